import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFileUrls } from '../../src/api/file-urls.js';
import { startBugrun, type TestBugrun } from '../helpers/bugrun.js';
import { yamlStep, yamlTest } from '../helpers/yaml.js';

describe('signed file links', () => {
  const clock = { now: Date.parse('2026-12-01T00:00:00Z') };
  const links = createFileUrls({ secret: 's3cret', publicUrl: 'http://bugrun.test', ttlSeconds: 24 * 3600, now: () => clock.now });
  const parts = (url: string) => {
    const u = new URL(url);
    return { exp: u.searchParams.get('exp') ?? '', sig: u.searchParams.get('sig') ?? '' };
  };

  it('work until their expiry, 24 h to 25 h after they were made, and not after', () => {
    const { exp, sig } = parts(links.url('run/logs.txt'));
    const lifetime = Number(exp) - clock.now / 1000;
    expect(lifetime).toBeGreaterThanOrEqual(24 * 3600);
    expect(lifetime).toBeLessThanOrEqual(25 * 3600);
    expect(links.verify('run/logs.txt', exp, sig)).toBe(true);
    const made = clock.now;
    clock.now = Number(exp) * 1000 - 1;
    expect(links.verify('run/logs.txt', exp, sig)).toBe(true);
    clock.now = Number(exp) * 1000;
    expect(links.verify('run/logs.txt', exp, sig)).toBe(false);
    clock.now = made;
  });

  it('are refused when the key, expiry or signature was changed', () => {
    const { exp, sig } = parts(links.url('run/logs.txt'));
    expect(links.verify('other/logs.txt', exp, sig)).toBe(false);
    expect(links.verify('run/logs.txt', String(Number(exp) + 3600), sig)).toBe(false);
    expect(links.verify('run/logs.txt', exp, `${sig.slice(0, -1)}A`)).toBe(false);
    expect(links.verify('run/logs.txt', `${exp}.5`, sig)).toBe(false);
    expect(links.verify('run/logs.txt', '', '')).toBe(false);
    const otherSecret = createFileUrls({ secret: 'another', publicUrl: 'http://bugrun.test', ttlSeconds: 3600, now: () => clock.now });
    const forged = parts(otherSecret.url('run/logs.txt'));
    expect(links.verify('run/logs.txt', forged.exp, forged.sig)).toBe(false);
  });

  it('last as long as configured', () => {
    const short = createFileUrls({ secret: 's', publicUrl: 'http://x', ttlSeconds: 60, now: () => clock.now });
    const { exp } = parts(short.url('k'));
    expect(Number(exp) - clock.now / 1000).toBeGreaterThanOrEqual(60);
    expect(Number(exp) - clock.now / 1000).toBeLessThanOrEqual(63);
  });
});

describe('file links the server hands out', () => {
  let bugrun: TestBugrun;
  let logsUrl: string;

  beforeAll(async () => {
    bugrun = await startBugrun({ fileLinkTtlSeconds: 4 });
    await bugrun.importYaml({ 't.yaml': yamlTest('t', yamlStep('goto', "url: 'about:blank'")) });
    const runId = await bugrun.startRun('t');
    await bugrun.waitFor(runId, ['passed']);
    const res = await bugrun.api('GET', `/api/v2/testruns/${runId}/logs/`);
    expect(res.statusCode).toBe(302);
    logsUrl = res.headers.location as string;
  });
  afterAll(() => bugrun?.close());

  it('serve the file while valid; a forged or expired link is 404', async () => {
    const url = new URL(logsUrl);
    expect((await bugrun.download(logsUrl)).statusCode).toBe(200);
    const forged = new URL(url);
    forged.searchParams.set('exp', String(Number(url.searchParams.get('exp')) + 3600));
    expect((await bugrun.download(forged.href)).statusCode).toBe(404);
    const unsigned = new URL(url);
    unsigned.searchParams.delete('sig');
    expect((await bugrun.download(unsigned.href)).statusCode).toBe(404);
    // Wait for the link's own expiry (at most five seconds with a 4 s lifetime): the clock is the state.
    const expires = Number(url.searchParams.get('exp')) * 1000;
    await new Promise((r) => setTimeout(r, Math.max(0, expires - Date.now() + 50)));
    const expired = await bugrun.download(logsUrl);
    expect(expired.statusCode).toBe(404);
    expect(expired.json()).toEqual({ detail: 'Not found.' });
  });
});
