import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BlobStoreUnavailableError, directoryBlobs, type BlobStore } from '../../src/store/blobs.js';
import { s3Blobs } from '../../src/store/s3-blobs.js';
import { startS3, type TestS3 } from '../helpers/s3.js';

/** Both backends keep one contract; each test gets a fresh store. */
const BACKENDS = {
  directory: async () => {
    const root = mkdtempSync(join(tmpdir(), 'bugrun-blobs-'));
    return { blobs: await directoryBlobs(join(root, 'artifacts')), dispose: () => rmSync(root, { recursive: true, force: true }) };
  },
  s3: async () => {
    const s3 = await startS3();
    const blobs = await s3Blobs({ bucket: s3.bucket, prefix: 'some/prefix', region: 'us-east-1', endpoint: s3.endpoint });
    return { blobs, s3, dispose: () => s3.close() };
  },
};

describe.each(Object.keys(BACKENDS) as (keyof typeof BACKENDS)[])('blob store: %s', (backend) => {
  let blobs: BlobStore;
  let dispose: () => unknown;
  beforeAll(async () => {
    ({ blobs, dispose } = await BACKENDS[backend]());
  });
  afterAll(async () => {
    blobs.close();
    await dispose();
  });

  it('stores strings and bytes and reads them back whole or as a stream', async () => {
    await blobs.put('run-1/logs.txt', 'hello\n');
    await blobs.put('run-1/screenshots/0001.png', new Uint8Array([137, 80, 78, 71]));
    expect((await blobs.get('run-1/logs.txt'))?.toString('utf8')).toBe('hello\n');
    expect([...((await blobs.get('run-1/screenshots/0001.png')) ?? [])]).toEqual([137, 80, 78, 71]);
    const stream = await blobs.open('run-1/logs.txt');
    expect(stream?.size).toBe(6);
    expect(await text(stream!.body)).toBe('hello\n');
    expect(await blobs.exists('run-1/logs.txt')).toBe(true);
    // A "directory" is not a blob.
    expect(await blobs.exists('run-1/screenshots')).toBe(false);
    expect(await blobs.open('run-1/screenshots')).toBeNull();
  });

  it('replaces a blob whole', async () => {
    await blobs.put('run-2/logs-partial.txt', 'a');
    await blobs.put('run-2/logs-partial.txt', 'ab');
    expect((await blobs.get('run-2/logs-partial.txt'))?.toString()).toBe('ab');
  });

  it('answers null/false for missing blobs; deleting twice is no error', async () => {
    expect(await blobs.get('run-3/missing.txt')).toBeNull();
    expect(await blobs.open('run-3/missing.txt')).toBeNull();
    expect(await blobs.exists('run-3/missing.txt')).toBe(false);
    await blobs.put('run-3/x.txt', 'x');
    await blobs.delete('run-3/x.txt');
    await blobs.delete('run-3/x.txt');
    expect(await blobs.get('run-3/x.txt')).toBeNull();
    expect(await blobs.exists('run-3/x.txt')).toBe(false);
  });

  it.each(['../escape.txt', 'run/../../escape.txt', '/etc/passwd', 'a//b', './a', 'a/', '', 'a\\..\\b', 'a\0b'])('refuses the key %j', async (key) => {
    await expect(blobs.put(key, 'x')).rejects.toThrow(RangeError);
    await expect(blobs.get(key)).rejects.toThrow(RangeError);
    await expect(blobs.open(key)).rejects.toThrow(RangeError);
    await expect(blobs.exists(key)).rejects.toThrow(RangeError);
    await expect(blobs.delete(key)).rejects.toThrow(RangeError);
  });
});

describe('blob store: directory layout', () => {
  const root = mkdtempSync(join(tmpdir(), 'bugrun-blobs-dir-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('keeps each blob as a file under its key, and no temporary files', async () => {
    const blobs = await directoryBlobs(join(root, 'artifacts'));
    await blobs.put('run/logs.txt', 'a');
    await blobs.put('run/logs.txt', 'ab');
    await expect(blobs.put('../escape.txt', 'x')).rejects.toThrow(RangeError);
    expect(readFileSync(join(root, 'artifacts', 'run', 'logs.txt'), 'utf8')).toBe('ab');
    expect(readdirSync(join(root, 'artifacts', 'run'))).toEqual(['logs.txt']);
    expect(readdirSync(root)).toEqual(['artifacts']);
    expect(blobs.location).toBe(join(root, 'artifacts'));
  });

  it('syncs a blob to disk before naming it, unless told it is not worth it', async () => {
    const blobs = await directoryBlobs(join(root, 'synced'));
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
    } finally {
      datasync.mockRestore();
    }
  });
});

describe('blob store: S3', () => {
  let s3: TestS3;
  beforeAll(async () => {
    s3 = await startS3();
  });
  afterAll(() => s3.close());

  it('keeps objects under its prefix, and names the bucket when it does not exist', async () => {
    const blobs = await s3Blobs({ bucket: s3.bucket, prefix: 'team-a', region: 'us-east-1', endpoint: s3.endpoint });
    const other = await s3Blobs({ bucket: s3.bucket, prefix: 'team-b', region: 'us-east-1', endpoint: s3.endpoint });
    try {
      expect(blobs.location).toBe(`s3://${s3.bucket}/team-a`);
      await blobs.put('run/logs.txt', 'a');
      expect(await other.exists('run/logs.txt')).toBe(false);
    } finally {
      blobs.close();
      other.close();
    }
    await expect(s3Blobs({ bucket: 'no-such-bucket', prefix: '', region: 'us-east-1', endpoint: s3.endpoint })).rejects.toThrow(
      's3://no-such-bucket: the bucket no-such-bucket does not exist',
    );
  });

  it('says the storage is unavailable (not missing) while the server is away, and works again when it is back', async () => {
    const blobs = await s3Blobs({ bucket: s3.bucket, prefix: 'outage', region: 'us-east-1', endpoint: s3.endpoint });
    try {
      await blobs.put('run/a.txt', 'a');
      await s3.stop();
      await expect(blobs.get('run/a.txt')).rejects.toThrow(BlobStoreUnavailableError);
      await expect(blobs.put('run/b.txt', 'b')).rejects.toThrow(/s3:\/\/bugrun-test\/outage: writing run\/b.txt failed/);
      await expect(blobs.exists('run/a.txt')).rejects.toThrow(BlobStoreUnavailableError);
      await s3.start();
      expect((await blobs.get('run/a.txt'))?.toString()).toBe('a');
    } finally {
      blobs.close();
    }
  });
});
