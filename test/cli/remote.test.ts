import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiBundle } from '../api/api-bundle.js';
import { freePort, runCli, startServer, type RunningServer } from '../helpers/cli.js';
import { startFixtureServer, type FixtureServer } from '../helpers/fixture-server.js';

/**
 * The `bugrun` client commands as subprocesses against a real `bugrun serve`, running real tests
 * against the fixture site: what a CI script sees (stdout markers, exit codes, report files).
 */
const TOKEN = 'cli-remote-token';
const RUN_ID_LINE = /^testRunId: ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/m;
/** What BugBug's GitHub Action scrapes from `bugbug remote run suite`. */
const SUITE_RUN_ID_LINE = /^suiteRunId: ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/m;

function suiteYaml(slug: string, tests: string[]): string {
  const listed = tests.map((t) => `\n    - test_source: '${t}'`).join('');
  return `schema_version: '1.0'\nschema_type: suite\ndata:\n  suite_name: 'Suite ${slug}'\n  slug: '${slug}'\n  suite_settings:\n    run_in_parallel: false\n    auto_retry: 0\n    auto_add_new_tests: false\n  tests:${listed}\n`;
}

let dir = '';
let dataDir = '';
let server: RunningServer;
let fixture: FixtureServer;
/** No saved config from the developer's home, no inherited URL/token: each test says what it uses. */
let baseEnv: Record<string, string>;
let env: Record<string, string>;
const ids: Record<string, string> = {};

async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(`${server.url}${path}`, { ...init, headers: { authorization: `Token ${TOKEN}`, 'content-type': 'application/json' } });
  return (await res.json()) as T;
}

function runIdOf(stdout: string): string {
  const match = RUN_ID_LINE.exec(stdout);
  if (!match) throw new Error(`no testRunId line in:\n${stdout}`);
  return match[1];
}

/** A tiny well-formedness check: one root, every tag closed in order. */
function assertWellFormedXml(xml: string): void {
  const body = xml.replace(/^<\?xml[^>]*\?>\s*/, '');
  const stack: string[] = [];
  for (const m of body.matchAll(/<(\/?)([A-Za-z][\w.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>/g)) {
    const [, closing, name, , selfClosing] = m;
    if (selfClosing) continue;
    if (closing) expect(stack.pop(), `closing </${name}>`).toBe(name);
    else stack.push(name);
  }
  expect(stack).toEqual([]);
  expect(body.replace(/<[^>]*>/g, '')).not.toMatch(/[<>]/);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bugrun-remote-'));
  dataDir = join(dir, 'data');
  fixture = await startFixtureServer();
  const port = await freePort();
  server = await startServer(['--port', String(port), '--data-dir', dataDir], { BUGRUN_TOKEN: TOKEN, BUGRUN_CONCURRENCY: '2' });
  baseEnv = { XDG_CONFIG_HOME: join(dir, 'xdg'), BUGRUN_URL: '', BUGRUN_TOKEN: '', BUGRUN_DATA_DIR: '' };
  env = { ...baseEnv, BUGRUN_URL: server.url, BUGRUN_TOKEN: TOKEN };
  const bundle = join(dir, 'bundle');
  await mkdir(bundle, { recursive: true });
  const suites = {
    'suite-smoke.yaml': suiteYaml('smoke', ['login', 'failing']),
    'suite-green.yaml': suiteYaml('green', ['login']),
    'suite-long.yaml': suiteYaml('long', ['slow', 'login']),
  };
  for (const [name, text] of Object.entries({ ...apiBundle(fixture.url), ...suites })) await writeFile(join(bundle, name), text);
  const imported = await runCli(['import', bundle], env);
  expect(imported.code, imported.stderr).toBe(0);
  for (const line of imported.stdout.trim().split('\n')) {
    const [type, slug, id] = line.split(' ');
    ids[`${type}:${slug}`] = id;
  }
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await fixture?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('bugrun remote run test', () => {
  it('runs a test by slug with a profile, variables and a trigger; prints testRunId and exits 0 when it passes', async () => {
    const res = await runCli(
      ['remote', 'run', 'test', 'login', '--profile', 'Staging', '--variable', 'email=cli@example.com', '--triggered-by', 'github'],
      env,
    );
    expect(res.code, res.stdout + res.stderr).toBe(0);
    const runId = runIdOf(res.stdout);
    expect(res.stdout).toMatch(/^Status: passed$/m);
    expect(res.stdout).toContain(`Details: ${server.url}/runs/${runId}`);
    // Not a TTY: progress comes as plain lines on stderr, never rewritten with \r.
    expect(res.stderr).toMatch(/^\[\d+\/\d+\] \w+/m);
    expect(res.stderr).not.toContain('\r');

    const run = await api<{ triggeredBy: string; runProfileId: string; stepsRuns: { name: string; computedValue: string | null }[] }>(
      `/api/v2/testruns/${runId}/`,
    );
    expect(run.triggeredBy).toBe('github');
    expect(run.runProfileId).toBe(ids['profile:staging']);
    expect(run.stepsRuns.find((s) => s.name === 'Type email')?.computedValue).toBe('cli@example.com');

    const result = await runCli(['remote', 'result', 'test', runId], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Status: passed$/m);
    expect(result.stdout).toMatch(/^Profile: Staging$/m);
  }, 60_000);

  it('exits non-zero for a failed run, prints every step with --with-details and writes JUnit XML', async () => {
    const junit = join(dir, 'reports', 'failing.xml');
    const res = await runCli(
      ['remote', 'run', 'test', ids['test:failing'], '--with-details', '--no-progress', '--reporter', 'junit', '--output-path', junit],
      env,
    );
    expect(res.code).toBe(1);
    const runId = runIdOf(res.stdout);
    expect(res.stderr).toBe('');
    expect(res.stdout).toMatch(/^Status: failed \(ASSERT_FAILED\)$/m);
    expect(res.stdout).toMatch(/^Failed step: 2\. Paragraph says nope \(assert\): ASSERT_FAILED: .+/m);
    expect(res.stdout).toMatch(/^ +1\. passed +Open console page \(goto\)/m);
    expect(res.stdout).toMatch(/^ +2\. failed +Paragraph says nope \(assert\)/m);
    expect(res.stdout).toMatch(/^ {7}ASSERT_FAILED: /m);
    expect(res.stdout).toContain(`JUnit report: ${junit}`);

    const xml = await readFile(junit, 'utf8');
    assertWellFormedXml(xml);
    expect(xml).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>/);
    expect(xml).toMatch(/<testsuite [^>]*tests="1"[^>]*failures="1"/);
    expect(xml).toContain(`id="${runId}"`);
    expect(xml).toMatch(/<testcase [^>]*name="Wrong heading"/);
    expect(xml).toMatch(/<failure [^>]*>/);
    expect(xml).toContain('ASSERT_FAILED');
  }, 60_000);

  it('--no-wait returns at once; status, stop and result work on the run id', async () => {
    const started = await runCli(['remote', 'run', 'test', 'slow', '--no-wait'], env);
    expect(started.code, started.stderr).toBe(0);
    const runId = runIdOf(started.stdout);
    expect(started.stdout).not.toMatch(/^Status:/m);

    const status = await runCli(['remote', 'status', 'test', runId], env);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`^testRunId: ${runId}$`, 'm'));
    expect(status.stdout).toMatch(/^Status: (queued|initialized|running)$/m);
    expect(status.stdout).toMatch(/^Progress: \d+\/7 steps$/m);

    const stopped = await runCli(['remote', 'stop', 'test', runId], env);
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(stopped.stdout).toMatch(/^Status: stopped$/m);

    const result = await runCli(['remote', 'result', 'test', runId], env);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^Status: stopped$/m);
  }, 120_000);

  it('gives up waiting after --result-timeout and exits non-zero, leaving the run going', async () => {
    const res = await runCli(['remote', 'run', 'test', 'slow', '--result-timeout', '0.02', '--no-progress'], env);
    expect(res.code).toBe(1);
    const runId = runIdOf(res.stdout);
    expect(res.stderr).toMatch(/^bugrun: no result within 0\.02 min; the run goes on/);
    expect(res.stdout).toMatch(/^Status: \w+ \(timed out waiting for the result\)$/m);
    await api(`/api/v2/testruns/${runId}/stop/`, { method: 'POST' });
  }, 120_000);
});

describe('bugrun remote run suite', () => {
  it('runs a suite by slug, prints suiteRunId and which test is running, writes JUnit with one testcase per test, exits 1 when one failed', async () => {
    const junit = join(dir, 'reports', 'smoke.xml');
    const res = await runCli(['remote', 'run', 'suite', 'smoke', '--reporter', 'junit', '--output-path', junit], env);
    expect(res.code, res.stdout + res.stderr).toBe(1);
    const suiteRunId = SUITE_RUN_ID_LINE.exec(res.stdout)?.[1] as string;
    expect(suiteRunId).toBeDefined();
    expect(res.stdout.split('\n')[0]).toBe(`suiteRunId: ${suiteRunId}`);
    expect(res.stdout).toMatch(/^Status: failed \(ASSERT_FAILED\)$/m);
    expect(res.stdout).toMatch(/^ +passed +Login works /m);
    expect(res.stdout).toMatch(/^ +failed +Wrong heading /m);
    expect(res.stdout).toContain(`Details: ${server.url}/suite-runs/${suiteRunId}`);
    // Which test of how many is running, as plain lines in a CI log.
    expect(res.stderr).toMatch(/^\[1\/2\] \w+ - Login works$/m);
    expect(res.stderr).toMatch(/^\[2\/2\] running - Wrong heading$/m);

    const xml = await readFile(junit, 'utf8');
    assertWellFormedXml(xml);
    expect(xml.match(/<testcase /g)).toHaveLength(2);
    expect(xml).toMatch(/<testsuite name="Suite smoke" tests="2" failures="1"/);
    expect(xml).toContain(`id="${suiteRunId}"`);

    const [status, result] = await Promise.all([
      runCli(['remote', 'status', 'suite', suiteRunId], env),
      runCli(['remote', 'result', 'suite', suiteRunId], env),
    ]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^Status: failed$/m);
    expect(status.stdout).toMatch(/^Progress: 2\/2 tests$/m);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^Suite: Suite smoke$/m);
  }, 120_000);

  it('exits 0 when every test passed, by suite id', async () => {
    const res = await runCli(['remote', 'run', 'suite', ids['suite:green'], '--no-progress'], env);
    expect(res.code, res.stdout + res.stderr).toBe(0);
    expect(res.stdout).toMatch(SUITE_RUN_ID_LINE);
    expect(res.stdout).toMatch(/^Status: passed$/m);
  }, 120_000);

  it('stops a suite run: the running test stopped, the next skipped', async () => {
    const started = await runCli(['remote', 'run', 'suite', 'long', '--no-wait'], env);
    expect(started.code, started.stderr).toBe(0);
    const suiteRunId = SUITE_RUN_ID_LINE.exec(started.stdout)?.[1] as string;
    const stopped = await runCli(['remote', 'stop', 'suite', suiteRunId], env);
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(stopped.stdout).toMatch(/^Status: stopped$/m);
    const run = await api<{ status: string; testRuns: { status: string }[] }>(`/api/v2/suiteruns/${suiteRunId}/`);
    expect(run.status).toBe('stopped');
    expect(run.testRuns[1]?.status).toBe('skipped');
  }, 120_000);

  it('lists suites, and names an unknown one in one line', async () => {
    const [listed, unknown] = await Promise.all([runCli(['remote', 'list', 'suite'], env), runCli(['remote', 'run', 'suite', 'no-such-suite'], env)]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout.split('\n')[0]).toMatch(/^ID +SLUG +TESTS +NAME$/);
    expect(listed.stdout).toMatch(new RegExp(`^${ids['suite:smoke']} +smoke +2 +Suite smoke$`, 'm'));
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim()).toMatch(/^bugrun: Suite "no-such-suite" not found/);
  }, 120_000);
});

describe('bugrun remote list', () => {
  it('lists tests with their ids and slugs, and profiles with the default marked', async () => {
    const [tests, profiles] = await Promise.all([runCli(['remote', 'list', 'test'], env), runCli(['remote', 'list', 'profile'], env)]);
    expect(tests.code, tests.stderr).toBe(0);
    expect(tests.stdout.split('\n')[0]).toMatch(/^ID +SLUG +NAME$/);
    expect(tests.stdout).toMatch(new RegExp(`^${ids['test:login']} +login +Login works$`, 'm'));
    expect(tests.stdout).toMatch(new RegExp(`^${ids['test:failing']} +failing +Wrong heading$`, 'm'));
    expect(profiles.code).toBe(0);
    expect(profiles.stdout).toMatch(new RegExp(`^${ids['profile:default']} +yes +Default$`, 'm'));
    expect(profiles.stdout).toMatch(new RegExp(`^${ids['profile:staging']} +Staging$`, 'm'));
  });
});

describe('errors: one line on stderr and a non-zero exit', () => {
  const oneLine = (res: { code: number | null; stderr: string; stdout: string }, pattern: RegExp) => {
    expect(res.code).not.toBe(0);
    expect(res.stdout).toBe('');
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr.trim()).toMatch(pattern);
  };

  it('bad token, unknown test, unknown run, unknown profile, server down, bad flags, no token', async () => {
    const results = await Promise.all([
      runCli(['remote', 'run', 'test', 'login'], { ...env, BUGRUN_TOKEN: 'wrong' }),
      runCli(['remote', 'run', 'test', 'no-such-test'], env),
      runCli(['remote', 'status', 'test', 'not-a-run'], env),
      runCli(['remote', 'run', 'test', 'login', '--profile', 'Nope'], env),
      runCli(['remote', 'list', 'test'], { ...env, BUGRUN_URL: `http://127.0.0.1:${await freePort()}` }),
      runCli(['remote', 'run', 'test', 'login', '--bogus'], env),
      runCli(['remote', 'run', 'test', 'login', '--variable', 'novalue'], env),
      runCli(['remote', 'run', 'test', 'login', '--reporter', 'xml'], env),
      runCli(['remote', 'list', 'test'], { ...baseEnv, BUGRUN_URL: server.url }),
    ]);
    const [badToken, unknownTest, unknownRun, unknownProfile, down, bogus, badVariable, badReporter, noToken] = results;
    oneLine(badToken, /^bugrun: The server at \S+ rejected the API token from BUGRUN_TOKEN \(401\)$/);
    oneLine(unknownTest, /^bugrun: Test "no-such-test" not found/);
    oneLine(unknownRun, /^bugrun: Test run "not-a-run" not found/);
    oneLine(unknownProfile, /^bugrun: The run was not started: profileName: Profile "Nope" does not exist\.$/);
    oneLine(down, /^bugrun: Cannot reach the Bugrun server at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED/);
    oneLine(bogus, /^bugrun: unknown option '--bogus'/);
    oneLine(badVariable, /^bugrun: option '--variable <key=value>' argument 'novalue' is invalid\. Expected key=value\./);
    oneLine(badReporter, /^bugrun: option '--reporter <name>' argument 'xml' is invalid/);
    oneLine(noToken, /^bugrun: No API token/);
  }, 120_000);
});

describe('bugrun config', () => {
  it('saves the token and URL (mode 0600) and uses them; flags and environment win over them', async () => {
    const xdg = join(dir, 'xdg-config');
    const cfgEnv = { ...baseEnv, XDG_CONFIG_HOME: xdg };
    expect((await runCli(['config', 'set-token', TOKEN], cfgEnv)).code).toBe(0);
    const setUrl = await runCli(['config', 'set-url', `${server.url}/`], cfgEnv);
    expect(setUrl.code).toBe(0);
    const file = join(xdg, 'bugrun', 'config.json');
    expect(setUrl.stdout).toContain(file);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ token: TOKEN, url: server.url });
    expect((await stat(file)).mode & 0o777).toBe(0o600);

    const saved = await runCli(['remote', 'list', 'profile'], cfgEnv);
    expect(saved.code, saved.stderr).toBe(0);
    expect(saved.stdout).toMatch(/Staging/);
    const downUrl = `http://127.0.0.1:${await freePort()}`;
    const [flagWins, envWins, show, badUrl] = await Promise.all([
      runCli(['remote', 'list', 'profile', '--token', 'wrong'], cfgEnv),
      runCli(['remote', 'list', 'profile'], { ...cfgEnv, BUGRUN_URL: downUrl }),
      runCli(['config', 'show'], cfgEnv),
      runCli(['config', 'set-url', 'ftp://x'], cfgEnv),
    ]);
    expect(flagWins.stderr).toMatch(/rejected the API token from --token/);
    expect(envWins.stderr).toMatch(/Cannot reach the Bugrun server/);
    expect(show.stdout).toContain(`URL: ${server.url}`);
    expect(show.stdout).not.toContain(TOKEN);
    expect(badUrl.code).toBe(1);
    expect(badUrl.stderr.trim()).toMatch(/^bugrun: "ftp:\/\/x" must be an http/);
  }, 120_000);
});

describe('bugrun token', () => {
  it('creates a token that works (shown once), lists it without its value, and revokes it', async () => {
    const created = await runCli(['token', 'create', '--name', 'ci', '--data-dir', dataDir], baseEnv);
    expect(created.code, created.stderr).toBe(0);
    const token = /^token: (\S+)$/m.exec(created.stdout)?.[1] as string;
    const id = /^id: (\S+)$/m.exec(created.stdout)?.[1] as string;
    expect(token).toMatch(/^[0-9a-f]{40}$/);
    expect(created.stderr).toMatch(/cannot be shown again/);

    const withToken = { ...baseEnv, BUGRUN_URL: server.url, BUGRUN_TOKEN: token };
    const [used, listed] = await Promise.all([runCli(['remote', 'list', 'test'], withToken), runCli(['token', 'list', '--data-dir', dataDir], baseEnv)]);
    expect(used.code, used.stderr).toBe(0);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`^${id} +ci +${token.slice(0, 8)}… .* active$`, 'm'));
    expect(listed.stdout).not.toContain(token);

    const revoked = await runCli(['token', 'revoke', id, '--data-dir', dataDir], baseEnv);
    expect(revoked.code, revoked.stderr).toBe(0);
    const [rejected, relisted, again, missing] = await Promise.all([
      runCli(['remote', 'list', 'test'], withToken),
      runCli(['token', 'list', '--data-dir', dataDir], baseEnv),
      runCli(['token', 'revoke', id, '--data-dir', dataDir], baseEnv),
      runCli(['token', 'list', '--data-dir', join(dir, 'nowhere')], baseEnv),
    ]);
    expect(rejected.code).toBe(1);
    expect(rejected.stderr).toMatch(/rejected the API token/);
    expect(relisted.stdout).toMatch(new RegExp(`^${id} .* revoked$`, 'm'));
    expect(again.code).toBe(1);
    expect(again.stderr.trim()).toMatch(/^bugrun: Token .* is already revoked$/);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toMatch(/^bugrun: No Bugrun data directory/);
  }, 120_000);
});
