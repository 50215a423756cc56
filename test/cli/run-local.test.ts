import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';
import { startFixtureServer, type FixtureServer } from '../helpers/fixture-server.js';
import { jpegSize } from '../helpers/jpeg.js';
import { stillRunning } from '../helpers/processes.js';

/**
 * `bugrun run`: BugBug YAML tests run by the real built binary in a local Chromium, without a
 * server, against the fixture site. Each run gets its own working directory and TMPDIR, both
 * empty, and a Chromium behind a wrapper that logs the pid of every browser launched, so the tests
 * can tell what the command left behind and whether it started a browser at all.
 */
let dir = '';
let fixture: FixtureServer;
let wrapper = '';
let runs = 0;

const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

interface LocalRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The working directory it ran in (empty before). */
  cwd: string;
  /** Its TMPDIR (empty before). */
  tmp: string;
  /** The pid of every Chromium it launched. */
  launched: () => Promise<number[]>;
}

/** Runs `bugrun <args>` in a fresh working directory, with the Chromium wrapper, until it exits. */
function bugrun(args: string[]): Promise<LocalRun> {
  const n = ++runs;
  const cwd = join(dir, `cwd-${n}`);
  const tmp = join(dir, `tmp-${n}`);
  const log = join(dir, `launches-${n}.log`);
  return (async () => {
    await mkdir(cwd);
    await mkdir(tmp);
    const env = { ...process.env, CHROMIUM_PATH: wrapper, LAUNCH_LOG: log, TMPDIR: tmp, CI: '', BUGRUN_DATA_DIR: '', BUGRUN_DATABASE_URL: '' };
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((done) => child.once('close', (c) => done(c)));
    children.delete(child);
    const launched = async () => (await readFile(log, 'utf8').catch(() => '')).split('\n').filter(Boolean).map(Number);
    return { code, stdout, stderr, cwd, tmp, launched };
  })();
}

/** Writes a bundle folder of `files` (name → YAML) and returns its path. */
async function bundle(name: string, files: Record<string, string>): Promise<string> {
  const folder = join(dir, name);
  await mkdir(folder, { recursive: true });
  for (const [file, text] of Object.entries(files)) await writeFile(join(folder, file), text);
  return folder;
}

const profile = (name: string, isDefault: boolean, variables: Record<string, string>) => `schema_version: '1.0'
schema_type: profile
data:
  name: '${name}'
  is_default: ${isDefault}
  variables:
${Object.entries(variables)
  .map(([key, value]) => `    - { name: '${key}', key: '${key}', type: 'string', value: '${value}' }`)
  .join('\n')}
`;

const LOGIN_COMPONENT = `schema_version: '1.0'
schema_type: component
data:
  component_name: 'Log in'
  slug: 'log-in'
  steps:
    - action: goto
      name: 'Open login'
      action_details: { url: '{{site}}/login.html' }
    - action: type
      name: 'Type email'
      action_details: { selector: "xpath=//input[@name='email']", value: '{{email}}' }
    - action: type
      name: 'Type password'
      action_details: { selector: 'css=input[name=password]', value: 'pa55word', has_secret_value: true }
    - action: click
      name: 'Submit'
      action_details: { selector: "css=button[type=submit]" }
`;

/** A test of the login component whose last step expects this exact greeting. */
const greetingTest = (slug: string, name: string, greeting: string) => `schema_version: '1.0'
schema_type: test
data:
  name: '${name}'
  slug: '${slug}'
  runtime: browser
  screen_size: desktop
  groups:
    - component_source: 'log-in'
    - group_name: 'Check'
      slug: 'check'
      steps:
        - action: assert
          name: 'On the dashboard'
          action_details: { assertion_property: pageTitle, assertion_type: contain, assertion_expected_value: 'Dashboard' }
        - action: assert
          name: 'Greets the user'
          action_details: { selector: 'css=#welcome', assertion_property: textContent, assertion_type: equal, assertion_expected_value: '${greeting}' }
`;

/** A test that opens `/gate?name=<gate>` (held until the test opens the gate) and checks the page. */
const gateTest = (slug: string, gate: string) => `schema_version: '1.0'
schema_type: test
data:
  name: 'Gate ${slug}'
  slug: '${slug}'
  runtime: browser
  screen_size: desktop
  groups:
    - group_name: 'Main'
      slug: 'main'
      steps:
        - action: goto
          name: 'Wait at the gate'
          action_details: { url: '{{site}}/gate?name=${gate}' }
        - action: assert
          name: 'Gate passed'
          action_details: { selector: 'css=#gate', assertion_property: textContent, assertion_type: equal, assertion_expected_value: 'passed ${gate}' }
`;

const PROJECT = `schema_version: '1.0'
schema_type: project
data:
  name: 'Local project'
  homepage_url: null
  settings:
    general:
      timezone: 'UTC'
      default_local_run_timeout: 20
      default_cloud_run_timeout: 20
      default_sleep: 0
      close_windows_on_successful_test_run: true
      capture_dom_on_failure: false
      collecting_logs: disabled
    browser: { incognito_mode: true }
    screen_sizes:
      desktop: { width: 1024, height: 700 }
      mobile: { width: 390, height: 844 }
    selectors: { generation_mode: automatic, non_semantic_classes_enabled: false }
    waiting_conditions: []
`;

const suite = (slug: string, tests: string[]) => `schema_version: '1.0'
schema_type: suite
data:
  suite_name: 'Suite ${slug}'
  slug: '${slug}'
  suite_settings: { run_in_parallel: false, auto_retry: 0, auto_add_new_tests: false }
  tests:
${tests.map((t) => `    - test_source: '${t}'`).join('\n')}
`;

/** One root, every tag closed in order, no stray angle brackets. */
function expectWellFormedXml(xml: string): void {
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

const isJpeg = (data: Buffer) => data.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]));

/** Chromium was started, and closed by the time the command exited; nothing is left in TMPDIR. */
async function expectCleanExit(run: LocalRun): Promise<void> {
  const pids = await run.launched();
  expect(pids.length, 'Chromium launches').toBeGreaterThan(0);
  expect(await stillRunning(pids), 'Chromium still running after the command exited').toEqual([]);
  expect(await readdir(run.tmp), 'left in TMPDIR').toEqual([]);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bugrun-run-local-'));
  fixture = await startFixtureServer();
  wrapper = join(dir, 'chromium');
  const real = existsSync('/usr/lib/chromium/chromium') ? '/usr/lib/chromium/chromium' : '/usr/bin/chromium';
  await writeFile(wrapper, `#!/bin/sh\necho $$ >> "$LAUNCH_LOG"\nexec ${real} "$@"\n`);
  await chmod(wrapper, 0o755);
});

afterAll(async () => {
  await fixture?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('bugrun run', () => {
  it('runs a passing bundle: exit 0, plain progress lines, screenshots, junit.xml and report.html, nothing else left behind', async () => {
    const folder = await bundle('passing', {
      'component-login.yaml': LOGIN_COMPONENT,
      'profile-default.yaml': profile('Default', true, { site: fixture.url, email: 'default@example.com' }),
      'project.yaml': PROJECT,
      'suite.yaml': suite('smoke', ['login']),
      'test-login.yaml': greetingTest('login', 'Login works', 'Welcome, default@example.com'),
    });
    const run = await bugrun(['run', folder, '--reporter', 'list', '--reporter', 'junit', '--reporter', 'html']);
    expect(run.code, run.stdout + run.stderr).toBe(0);

    // Not a TTY: one plain line per step as it starts, never rewritten in place.
    expect(run.stderr).toMatch(/^\[1\/1\] Login works › Step 1: Open login$/m);
    expect(run.stderr).toMatch(/^\[1\/1\] Login works › Step 4: Submit$/m);
    expect(run.stderr).toMatch(/^\[1\/1\] Login works › Step 6: Greets the user$/m);
    expect(run.stderr).not.toContain('\r');
    expect(run.stdout).toMatch(/^✓ Login works {2}\(\d+\.\d\d s\)$/m);
    expect(run.stdout).toMatch(/^1 passed \(/m);

    // No database, no data directory: the output folder is all it leaves.
    expect(await readdir(run.cwd)).toEqual(['bugrun-results']);
    const out = join(run.cwd, 'bugrun-results');
    expect((await readdir(out)).sort()).toEqual(['junit.xml', 'login', 'report.html']);
    const shots = (await readdir(join(out, 'login'))).sort();
    expect(shots).toEqual([
      '01-open-login.jpg',
      '02-type-email.jpg',
      '03-type-password.jpg',
      '04-submit.jpg',
      '05-on-the-dashboard.jpg',
      '06-greets-the-user.jpg',
    ]);
    for (const shot of shots) expect(isJpeg(await readFile(join(out, 'login', shot))), shot).toBe(true);
    // The project document's settings apply: its 1024×700 desktop screen, pictured small for a passed step.
    expect(jpegSize(await readFile(join(out, 'login', shots[0])))).toEqual({ width: 640, height: 438 });

    const junit = await readFile(join(out, 'junit.xml'), 'utf8');
    expectWellFormedXml(junit);
    expect(junit.match(/<testcase /g)).toHaveLength(1);
    expect(junit).toMatch(/<testcase name="Login works" classname="bugrun\.login"/);
    expect(junit).not.toMatch(/<failure|<error|<skipped/);
    expect(run.stdout).toContain(`JUnit report: ${join('bugrun-results', 'junit.xml')}`);

    const html = await readFile(join(out, 'report.html'), 'utf8');
    expect(html).toContain('<h2>Login works</h2>');
    const embedded = /src="data:image\/jpeg;base64,([A-Za-z0-9+/=]+)"/.exec(html);
    expect(embedded).not.toBeNull();
    expect(isJpeg(Buffer.from(embedded?.[1] ?? '', 'base64'))).toBe(true);
    // Self-contained: nothing it shows is fetched from elsewhere.
    expect(html).not.toMatch(/src="(?!data:)|<link |<script /);

    await expectCleanExit(run);
  });

  it('reports a failing test: exit 1, the failing step, its error code and message, and its screenshot', async () => {
    const folder = await bundle('failing', {
      'profile.yaml': profile('Default', true, { site: fixture.url }),
      'test-failing.yaml': `schema_version: '1.0'
schema_type: test
data:
  name: 'Wrong heading'
  slug: 'failing'
  runtime: browser
  screen_size: mobile
  groups:
    - group_name: 'Main'
      slug: 'main'
      steps:
        - action: goto
          name: 'Open console page'
          action_details: { url: '{{site}}/console.html' }
        - action: assert
          name: 'Paragraph says nope'
          action_details: { selector: 'css=p', assertion_property: textContent, assertion_type: equal, assertion_expected_value: 'nope' }
          execution: { run_timeout: 3 }
        - action: click
          name: 'Never reached'
          action_details: { selector: 'css=p' }
`,
    });
    const run = await bugrun(['run', folder, '--reporter', 'list,junit', '--output-path', 'out/local']);
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.stdout).toMatch(/^✗ Wrong heading {2}\(.*\) failed$/m);
    expect(run.stdout).toMatch(/^ {4}Step 2: Paragraph says nope$/m);
    // A busy machine's assertion may run out of time while it still retries: the message then says so.
    expect(run.stdout).toMatch(/^ {4}ASSERT_FAILED: Expected textContent to equal "nope", got "Console page"( \(timeout 3 s\))?$/m);
    const shot = /^ {4}Screenshot: (.+)$/m.exec(run.stdout)?.[1] ?? '';
    expect(shot).toBe(join('out', 'local', 'failing', '02-paragraph-says-nope.jpg'));
    expect(isJpeg(await readFile(resolve(run.cwd, shot)))).toBe(true);
    // The test's own screen size applies: mobile, 390×844.
    expect(jpegSize(await readFile(resolve(run.cwd, shot)))).toEqual({ width: 390, height: 844 });
    expect(run.stdout).toMatch(/^1 failed \(/m);

    const junit = await readFile(join(run.cwd, 'out', 'local', 'junit.xml'), 'utf8');
    expectWellFormedXml(junit);
    expect(junit).toMatch(/<failure type="ASSERT_FAILED" message="Step 2 &quot;Paragraph says nope \(assert\)&quot; failed/);
    await expectCleanExit(run);
  });

  it('refuses invalid YAML with file:line:col lines and exit 2, before any browser starts', async () => {
    const folder = await bundle('invalid', {
      'a-good.yaml': gateTest('good', 'never'),
      'b-bad.yaml': "schema_version: '1.0'\nschema_type: test\ndata:\n  name: 'Bad'\n  runtime: browser\n  screen_size: huge\n",
      'c-bad.yaml': profile('Default', true, { site: fixture.url }) + '---\n' + profile('Other', true, { site: fixture.url }),
    });
    const run = await bugrun(['run', folder, '--reporter', 'junit,html']);
    expect(run.code, run.stdout + run.stderr).toBe(2);
    // Every problem of every file, each where it is.
    const b = join(folder, 'b-bad.yaml');
    const c = join(folder, 'c-bad.yaml');
    expect(run.stderr).toContain(`${b}:6:16: `);
    expect(run.stderr).toMatch(new RegExp(`^${c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:\\d+:\\d+: more than one default profile`, 'm'));
    expect(run.stdout).toBe('');
    expect(await run.launched()).toEqual([]);
    expect(fixture.requests()).not.toContain('/gate?name=never');
    expect(await readdir(run.cwd)).toEqual([]);
  });

  it('--variable overrides the profile (here --profile Staging) for the run', async () => {
    const folder = await bundle('variables', {
      'component-login.yaml': LOGIN_COMPONENT,
      // The default profile points nowhere: only Staging's site has the login page.
      'profile-default.yaml': profile('Default', true, { site: `${fixture.url}/nowhere`, email: 'default@example.com' }),
      'profile-staging.yaml': profile('Staging', false, { site: fixture.url, email: 'staging@example.com' }),
      'test-override.yaml': greetingTest('override', 'Greets the override', 'Welcome, cli@example.com'),
    });
    const run = await bugrun(['run', folder, '--profile', 'Staging', '--variable', 'email=cli@example.com']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^✓ Greets the override /m);

    const unknown = await bugrun(['run', folder, '--profile', 'Production']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^bugrun: profile "Production" is not defined in the files given \(profiles: "Default", "Staging"\)$/m);
    expect(await unknown.launched()).toEqual([]);
  });

  it('--workers 2 runs two tests at once, and both pass', async () => {
    const [a, b] = [`a-${Date.now()}`, `b-${Date.now()}`];
    const folder = await bundle('workers', {
      'profile.yaml': profile('Default', true, { site: fixture.url }),
      'test-a.yaml': gateTest('a', a),
      'test-b.yaml': gateTest('b', b),
    });
    const done = bugrun(['run', folder, '--workers', '2']);
    // Both tests wait at their gates together: with one worker, the second would not start until the first ended.
    const ended = done.then((r) => Promise.reject(new Error(`bugrun ended before both tests reached their gates:\n${r.stdout}${r.stderr}`)));
    await Promise.race([Promise.all([fixture.arrived(a), fixture.arrived(b)]), ended]);
    ended.catch(() => undefined);
    fixture.open(a);
    fixture.open(b);
    const run = await done;
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^✓ Gate a /m);
    expect(run.stdout).toMatch(/^✓ Gate b /m);
    expect(run.stderr).toMatch(/^\[1\/2\] Gate a › Step 1: Wait at the gate$/m);
    expect(run.stderr).toMatch(/^\[2\/2\] Gate b › Step 1: Wait at the gate$/m);
    await expectCleanExit(run);
  });

  it("--trace on writes each test's Playwright trace.zip, linked from report.html", async () => {
    const folder = await bundle('trace', {
      'profile.yaml': profile('Default', true, { site: fixture.url }),
      'test-traced.yaml': `schema_version: '1.0'
schema_type: test
data:
  name: 'Traced'
  slug: 'traced'
  runtime: browser
  screen_size: desktop
  groups:
    - group_name: 'Main'
      slug: 'main'
      steps:
        - action: goto
          name: 'Open login'
          action_details: { url: '{{site}}/login.html' }
        - action: click
          name: 'Submit empty'
          action_details: { selector: 'css=#submit' }
`,
    });
    const run = await bugrun(['run', folder, '--trace', 'on', '--reporter', 'html']);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const out = join(run.cwd, 'bugrun-results');
    const trace = await readFile(join(out, 'traced', 'trace.zip'));
    expect(trace.subarray(0, 2).toString('latin1')).toBe('PK');
    // A Playwright trace: its zip names the trace's event file.
    expect(trace.includes('trace.trace')).toBe(true);
    expect((await readdir(join(out, 'traced'))).sort()).toEqual(['01-open-login.jpg', '02-submit-empty.jpg', 'trace.zip']);
    expect(await readFile(join(out, 'report.html'), 'utf8')).toContain('<a href="traced/trace.zip">');
    await expectCleanExit(run);
  });
});
