import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultChromiumPath } from '../../src/runner/index.js';
import { startBugrun, type TestBugrun } from '../helpers/bugrun.js';
import { freePort } from '../helpers/cli.js';
import { startFixtureServer, type FixtureServer } from '../helpers/fixture-server.js';
import { childrenOf, stillRunning } from '../helpers/processes.js';
import { waitUntil } from '../helpers/wait.js';
import { yamlStep, yamlTest } from '../helpers/yaml.js';

/**
 * A worker on a Playwright browser server (`BUGRUN_BROWSER_WS`) in another process, with no local
 * Chromium it could fall back on: runs execute there; a browser server that dies fails the run it
 * was executing, and the next run reconnects.
 */
const SCRIPT = fileURLToPath(new URL('../fixtures/processes/browser-server.mjs', import.meta.url));

interface BrowserServer {
  child: ChildProcess;
  endpoint: string;
}

async function startBrowserServer(port: number, wsPath: string): Promise<BrowserServer> {
  const child = spawn(process.execPath, [SCRIPT, String(port), wsPath, defaultChromiumPath()], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const endpoint = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`browser server exited ${code}:\n${out}`)));
  });
  return { child, endpoint };
}

let fixture: FixtureServer;
let bugrun: TestBugrun;
let server: BrowserServer;
let port: number;
const wsPath = '/bugrun-browsers';

beforeAll(async () => {
  fixture = await startFixtureServer();
  port = await freePort();
  server = await startBrowserServer(port, wsPath);
  // A local Chromium that cannot start: every run must use the browser server.
  bugrun = await startBugrun({ browserWs: server.endpoint, chromiumPath: '/nonexistent/chromium', spareContext: false, concurrency: 1 });
  await bugrun.importYaml({
    // A selector through Bugrun's own XPath engine, which must reach contexts on the server too.
    'remote.yaml': yamlTest(
      'remote',
      yamlStep('goto', `url: '${fixture.url}/act-shadow.html'`) + yamlStep('click', `selector: "xpath=//payment-widget >> xpath=.//button[@id='pay']"`),
    ),
    'held.yaml': yamlTest('held', yamlStep('goto', `url: '${fixture.url}/gate?name=remote'`, { name: 'Held' })),
  });
}, 60_000);

afterAll(async () => {
  await bugrun?.close();
  server?.child.kill('SIGKILL');
  await fixture?.close();
});

describe('a worker on a remote browser server', () => {
  it('runs a test there, with no browser process of its own', async () => {
    const runId = await bugrun.startRun('remote');
    expect((await bugrun.waitFor(runId, ['passed', 'failed', 'error'], 60_000)).status).toBe('passed');
    const run = (await bugrun.api('GET', `/api/v2/testruns/${runId}/`)).json() as { browserName: string; stepsRuns: { screenshotUrl: string | null }[] };
    expect(run.browserName).toMatch(/chrom/i);
    expect(run.stepsRuns.map((s) => Boolean(s.screenshotUrl))).toEqual([true, true]);
    // The browser runs under the browser server's process, not this one.
    expect(await childrenOf(server.child.pid!)).not.toEqual([]);
    const own = await Promise.all((await childrenOf(process.pid)).filter((pid) => pid !== server.child.pid).map(executableOf));
    expect(own.filter((c) => /chrom/i.test(c))).toEqual([]);
  });

  it('fails the run it executes as error when the browser server dies, and reconnects for the next run', async () => {
    const runId = await bugrun.startRun('held');
    await fixture.arrived('remote');
    const browsers = await childrenOf(server.child.pid!);
    server.child.kill('SIGKILL');
    const ended = await bugrun.waitFor(runId, ['passed', 'failed', 'error', 'stopped'], 60_000);
    expect(ended.status).toBe('error');
    const run = (await bugrun.api('GET', `/api/v2/testruns/${runId}/`)).json() as { errorCode: string; stepsRuns: { status: string; error: string }[] };
    expect(run.errorCode).toBe('INTERNAL_ERROR');
    expect(run.stepsRuns[0]).toMatchObject({ status: 'error', error: 'The browser or its context closed unexpectedly' });
    await waitUntil(
      'the dead server’s browser exits',
      () => stillRunning(browsers),
      (alive) => alive.length === 0,
    );

    server = await startBrowserServer(port, wsPath);
    const next = await bugrun.startRun('remote');
    expect((await bugrun.waitFor(next, ['passed', 'failed', 'error'], 60_000)).status).toBe('passed');
  });
});

/** The program a process runs (its argv[0]). */
async function executableOf(pid: number): Promise<string> {
  return (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0')[0] ?? '';
}
