import { stat } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBugrun, type TestBugrun } from '../helpers/bugrun.js';
import { freePort, startServer } from '../helpers/cli.js';
import { healthWhileInFlight } from '../helpers/responsiveness.js';
import { yamlStep, yamlTest } from '../helpers/yaml.js';

/** What BugBug's clients expect of small things, and the smaller holes of issue #10. */
let bugrun: TestBugrun;
let baseUrl: string;

beforeAll(async () => {
  bugrun = await startBugrun({ egressIps: ['203.0.113.7', '2001:db8::7'], requestTimeoutMs: 600 });
  baseUrl = await bugrun.service.app.listen({ port: 0, host: '127.0.0.1' });
  // A run that waits a minute before its second step: long enough to be stopped.
  await bugrun.importYaml({
    'slow.yaml': yamlTest('slow', yamlStep('goto', "url: 'about:blank'") + yamlStep('goto', "url: 'about:blank'", { execution: 'sleep: 60' })),
  });
});
afterAll(() => bugrun?.close());

describe('GET /config/ips/', () => {
  it('answers the configured egress addresses as an array of strings, in both API versions', async () => {
    for (const version of ['v2', 'v1']) {
      const res = await bugrun.api('GET', `/api/${version}/config/ips/`);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual(['203.0.113.7', '2001:db8::7']);
    }
  });

  it('answers an empty array by default, and needs a token like the rest', async () => {
    const plain = await startBugrun();
    try {
      expect((await plain.api('GET', '/api/v2/config/ips/')).json()).toEqual([]);
      expect((await plain.service.app.inject({ method: 'GET', url: '/api/v2/config/ips/' })).statusCode).toBe(401);
    } finally {
      await plain.close();
    }
  });
});

describe('Content-Type: application/json with an empty body', () => {
  it('is {} on POST /stop/: the run stops', async () => {
    const runId = await bugrun.startRun('slow');
    await bugrun.waitFor(runId, ['running']);
    const res = await bugrun.api('POST', `/api/v2/testruns/${runId}/stop/`, undefined, { 'content-type': 'application/json' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: runId, status: 'stopped' });
    expect((await bugrun.waitFor(runId, ['stopped'])).status).toBe('stopped');
  });

  it('is {} on POST /testruns/: the field errors of an empty object', async () => {
    const res = await bugrun.api('POST', '/api/v2/testruns/', undefined, { 'content-type': 'application/json' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ testId: ['This field is required.'] });
  });

  it('is 404 on an unknown route, not 400', async () => {
    for (const url of ['/api/v2/nothing/', '/api/v2/testruns/x/nothing/', '/nothing']) {
      const res = await bugrun.api('POST', url, undefined, { 'content-type': 'application/json' });
      expect(res.statusCode, url).toBe(404);
      expect(res.json()).toEqual({ detail: 'Not found.' });
    }
  });
});

describe('links in answers', () => {
  it("start with the public URL, never with the request's Host header", async () => {
    for (let i = 0; i < 3; i++) await bugrun.importYaml({ [`t${i}.yaml`]: yamlTest(`t${i}`, yamlStep('goto', "url: 'about:blank'")) });
    const res = await bugrun.api('GET', '/api/v2/tests/?page_size=1&page=2', undefined, { host: 'evil.example', 'x-forwarded-host': 'evil.example' });
    const page = res.json() as { next: string; previous: string };
    expect(page.next).toBe('http://bugrun.test/api/v2/tests/?page_size=1&page=3');
    expect(page.previous).toBe('http://bugrun.test/api/v2/tests/?page_size=1');
    const runId = await bugrun.startRun('t0');
    await bugrun.waitFor(runId, ['passed']);
    const run = await bugrun.api('GET', `/api/v2/testruns/${runId}/`, undefined, { host: 'evil.example' });
    expect(run.body).not.toContain('evil.example');
    expect(run.json()).toMatchObject({ webappUrl: `http://bugrun.test/runs/${runId}` });
    const logs = await bugrun.api('GET', `/api/v2/testruns/${runId}/logs/`, undefined, { host: 'evil.example' });
    expect(logs.headers.location).toMatch(/^http:\/\/bugrun\.test\/files\//);
  });
});

describe('the data directory', () => {
  it('keeps the SQLite files readable by their owner only', async () => {
    // (No api-token file here: the test service is given its token, as with BUGRUN_TOKEN; the
    // file-link secret lives in the database, shared by its processes.)
    for (const name of ['bugrun.sqlite', 'bugrun.sqlite-wal', 'bugrun.sqlite-shm', 'bugrun.sqlite.lock']) {
      const info = await stat(join(bugrun.dataDir, name)).catch(() => null);
      expect(info, name).not.toBeNull();
      expect((info?.mode ?? 0) & 0o777, name).toBe(0o600);
    }
  });
});

describe('a body shorter than its Content-Length', () => {
  it('is answered 408 once the request timeout passes, and the server answers others meanwhile', async () => {
    const socket = connect(Number(new URL(baseUrl).port), '127.0.0.1');
    const answer = new Promise<string>((resolve) => {
      let text = '';
      socket.on('data', (d: Buffer) => (text += d.toString()));
      socket.on('close', () => resolve(text));
    });
    socket.write(
      `POST /api/v2/testruns/ HTTP/1.1\r\nHost: x\r\nAuthorization: Token ${bugrun.token}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"testId":`,
    );
    const { result, latencies } = await healthWhileInFlight(baseUrl, answer).finally(() => socket.destroy());
    expect(result).toMatch(/^HTTP\/1\.1 408 /);
    expect(result).toContain('{"detail":"The request body did not arrive in time."}');
    expect(latencies.length).toBeGreaterThan(0);
  });
});

describe('the API token at start', () => {
  it('is printed only when Bugrun generated it', async () => {
    const chosen = 'operator-chosen-token-0123456789';
    const dataDir = join(bugrun.dataDir, 'serve-with-token');
    const server = await startServer(['--port', String(await freePort()), '--data-dir', dataDir], { BUGRUN_TOKEN: chosen });
    try {
      expect(server.output()).toMatch(/API token: the one in BUGRUN_TOKEN/);
      expect(server.output()).not.toContain(chosen);
      const res = await fetch(`${server.url}/api/v2/tests/`, { headers: { authorization: `Token ${chosen}` } });
      expect(res.status).toBe(200);
    } finally {
      await server.stop();
    }
  });
});
