import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProgressLine, shortDuration } from '../../src/cli/run-output.js';
import { clientConfigPath, resolveClientConfig, saveClientConfig } from '../../src/config/client-config.js';
import { ConfigError } from '../../src/config/config.js';

/** The client side of the CLI without a server: settings precedence, progress output, startup cost. */
let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bugrun-client-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('client settings', () => {
  it('live in $XDG_CONFIG_HOME/bugrun/config.json, else ~/.config/bugrun/config.json', () => {
    expect(clientConfigPath({ XDG_CONFIG_HOME: '/x/cfg', HOME: '/home/u' })).toBe('/x/cfg/bugrun/config.json');
    expect(clientConfigPath({ HOME: '/home/u' })).toBe('/home/u/.config/bugrun/config.json');
  });

  it('resolve flags > environment > saved file > default', () => {
    const saved = { url: 'http://saved:1', token: 'saved-token' };
    expect(resolveClientConfig({}, {}, {})).toEqual({ url: 'http://127.0.0.1:8080', token: null, tokenSource: null });
    expect(resolveClientConfig({}, {}, saved)).toEqual({ url: 'http://saved:1', token: 'saved-token', tokenSource: 'saved' });
    expect(resolveClientConfig({}, { BUGRUN_URL: 'http://env:2/', BUGRUN_TOKEN: 'env-token' }, saved)).toEqual({
      url: 'http://env:2',
      token: 'env-token',
      tokenSource: 'env',
    });
    expect(resolveClientConfig({ url: 'https://flag:3', token: 'flag-token' }, { BUGRUN_URL: 'http://env:2', BUGRUN_TOKEN: 'env-token' }, saved)).toEqual({
      url: 'https://flag:3',
      token: 'flag-token',
      tokenSource: 'flag',
    });
    // An empty variable (as CI systems often export) counts as unset.
    expect(resolveClientConfig({}, { BUGRUN_TOKEN: '', BUGRUN_URL: ' ' }, saved).token).toBe('saved-token');
    expect(() => resolveClientConfig({ url: 'not a url' }, {}, {})).toThrow(ConfigError);
  });

  it('are saved merged, as 0600 JSON, and a broken file is one clear error', async () => {
    const path = join(dir, 'cfg', 'bugrun', 'config.json');
    saveClientConfig(path, { token: 't1' });
    saveClientConfig(path, { url: 'http://h:9' });
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ token: 't1', url: 'http://h:9' });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(dirname(path))).mode & 0o077).toBe(0);
    await writeFile(path, '{oops');
    expect(() => resolveClientConfig({}, { XDG_CONFIG_HOME: join(dir, 'cfg') })).toThrow(/is not valid JSON/);
  });
});

describe('progress while waiting for a run', () => {
  const fakeStream = (isTTY: boolean) => {
    const chunks: string[] = [];
    return { chunks, stream: { isTTY, columns: 60, write: (s: string) => chunks.push(s) } as unknown as NodeJS.WriteStream };
  };
  const status = (finishedSteps: number, state = 'running') => ({ id: 'r', status: state, finishedSteps, totalSteps: 3, modified: '', webappUrl: '' });
  const run = (name: string) =>
    ({
      stepsRuns: [{ id: 's', type: 'click', name, status: 'running', error: null, errorCode: null, warning: false, ignoredFailed: false, duration: null }],
    }) as never;

  it('rewrites one line in place on a terminal, truncated to its width', () => {
    const { chunks, stream } = fakeStream(true);
    const line = new ProgressLine(stream, true);
    line.update(status(0), run('Open the login page'));
    line.update(status(1), run('Click the very long button name that does not fit on one terminal line'));
    line.finish();
    expect(chunks[0]).toBe('\r\x1b[2K[1/3] running - Open the login page (click)');
    expect(chunks[1]?.startsWith('\r\x1b[2K[2/3] running - Click the very')).toBe(true);
    expect(chunks[1]?.length).toBe('\r\x1b[2K'.length + 59);
    expect(chunks[1]?.endsWith('…')).toBe(true);
    expect(chunks.at(-1)).toBe('\n');
  });

  it('prints plain lines when not a terminal, only on change, and nothing with --no-progress', () => {
    const plain = fakeStream(false);
    const line = new ProgressLine(plain.stream, true);
    line.update(status(0), run('Open'));
    line.update(status(0), run('Open'));
    line.update(status(3, 'passed'), null);
    line.finish();
    expect(plain.chunks).toEqual(['[1/3] running - Open (click)\n', '[3/3] passed\n']);
    const silent = fakeStream(true);
    new ProgressLine(silent.stream, false).update(status(1), run('x'));
    expect(silent.chunks).toEqual([]);
  });

  it('shows DRF durations briefly', () => {
    expect(shortDuration('00:00:03.210000')).toBe('3.21 s');
    expect(shortDuration('00:02:03.400000')).toBe('2 min 03.4 s');
    expect(shortDuration(null)).toBe('-');
  });
});

describe('CLI startup', () => {
  /**
   * The client commands must start fast: what main.ts imports statically may not reach the store,
   * the runner, the API or the YAML validator (those load inside the actions that need them).
   */
  it('keeps heavy modules out of the static import graph of the CLI entry', () => {
    const src = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');
    const seen = new Set<string>();
    const packages = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?from\s+'([^']+)';/gm)) {
        const spec = m[1];
        if (spec.startsWith('.')) visit(resolve(dirname(file), spec).replace(/\.js$/, '.ts'));
        else packages.add(spec);
      }
    };
    visit(join(src, 'cli/main.ts'));
    const heavy = [...seen].map((f) => f.slice(src.length + 1)).filter((f) => /^(runner|store|runs|api|definitions|reports)\/|^service\.ts$/.test(f));
    expect(heavy).toEqual([]);
    expect([...packages].filter((p) => !p.startsWith('node:'))).toEqual(['commander']);
  });
});
