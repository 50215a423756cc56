import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { open } from 'node:fs/promises';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createBlobStore } from '../../src/store/blobs.js';

describe('blob store', () => {
  const root = mkdtempSync(join(tmpdir(), 'bugrun-blobs-'));
  const blobs = createBlobStore(join(root, 'artifacts'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('stores strings and bytes under the root and reads them back', async () => {
    await blobs.put('run-1/logs.txt', 'hello\n');
    await blobs.put('run-1/screenshots/0001.png', new Uint8Array([137, 80, 78, 71]));
    expect((await blobs.get('run-1/logs.txt'))?.toString('utf8')).toBe('hello\n');
    expect([...((await blobs.get('run-1/screenshots/0001.png')) ?? [])]).toEqual([137, 80, 78, 71]);
    const path = blobs.path('run-1/logs.txt');
    expect(path).toBe(join(root, 'artifacts', 'run-1', 'logs.txt'));
    expect(readFileSync(path, 'utf8')).toBe('hello\n');
    expect(await blobs.exists('run-1/logs.txt')).toBe(true);
    // A directory is not a blob.
    expect(await blobs.exists('run-1/screenshots')).toBe(false);
  });

  it('replaces a blob whole and leaves no temporary files behind', async () => {
    await blobs.put('run-2/logs-partial.txt', 'a');
    await blobs.put('run-2/logs-partial.txt', 'ab');
    expect((await blobs.get('run-2/logs-partial.txt'))?.toString()).toBe('ab');
    expect(readdirSync(join(root, 'artifacts', 'run-2'))).toEqual(['logs-partial.txt']);
  });

  it('answers null/false for missing blobs and deletes once', async () => {
    expect(await blobs.get('run-3/missing.txt')).toBeNull();
    expect(await blobs.exists('run-3/missing.txt')).toBe(false);
    await blobs.put('run-3/x.txt', 'x');
    expect(await blobs.delete('run-3/x.txt')).toBe(true);
    expect(await blobs.delete('run-3/x.txt')).toBe(false);
    expect(await blobs.get('run-3/x.txt')).toBeNull();
  });

  it.each(['../escape.txt', 'run/../../escape.txt', '/etc/passwd', 'a//b', './a', 'a/', '', 'a\\..\\b', 'a\0b'])('refuses the key %j', async (key) => {
    expect(() => blobs.path(key)).toThrow(RangeError);
    await expect(blobs.put(key, 'x')).rejects.toThrow(RangeError);
    await expect(blobs.get(key)).rejects.toThrow(RangeError);
    await expect(blobs.exists(key)).rejects.toThrow(RangeError);
    await expect(blobs.delete(key)).rejects.toThrow(RangeError);
    expect(readdirSync(root)).toEqual(['artifacts']);
  });

  it('keeps every path it hands out inside the root', () => {
    expect(blobs.path('a/b/c.txt').startsWith(join(root, 'artifacts') + sep)).toBe(true);
  });
});

describe('blob store durability', () => {
  const root = mkdtempSync(join(tmpdir(), 'bugrun-blobs-sync-'));
  const blobs = createBlobStore(join(root, 'artifacts'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('syncs a blob to disk before naming it, unless told it is not worth it', async () => {
    const handle = await open(join(root, 'probe'), 'w');
    const proto = Object.getPrototypeOf(handle) as { datasync(): Promise<void> };
    await handle.close();
    const datasync = vi.spyOn(proto, 'datasync');
    try {
      await blobs.put('run/logs.txt', 'kept');
      expect(datasync).toHaveBeenCalledTimes(1);
      await blobs.put('run/report.html', '<html>', { durable: false });
      expect(datasync).toHaveBeenCalledTimes(1);
      expect((await blobs.get('run/report.html'))?.toString()).toBe('<html>');
      expect(readdirSync(join(root, 'artifacts', 'run')).sort()).toEqual(['logs.txt', 'report.html']);
    } finally {
      datasync.mockRestore();
    }
  });
});
