import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, runCli, startServer, type RunningServer } from '../helpers/cli.js';

const EXAMPLES = fileURLToPath(new URL('../definitions/fixtures/bugbug-examples/', import.meta.url));

/** `bugrun import` as a subprocess against a real `bugrun serve`. */
describe('bugrun import', () => {
  let dir = '';
  let server: RunningServer;
  let env: Record<string, string>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bugrun-import-'));
    const port = await freePort();
    server = await startServer(['--port', String(port), '--data-dir', join(dir, 'data')], { BUGRUN_TOKEN: 'cli-import-token' });
    env = { BUGRUN_URL: server.url, BUGRUN_TOKEN: 'cli-import-token' };
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('prints one line per object, and "updated" with the same ids on re-import', async () => {
    const files = ['login-component.yaml', 'default-profile.yaml', 'full-login-test.yaml', 'smoke-suite.yaml'].map((f) => join(EXAMPLES, 'valid', f));
    const first = await runCli(['import', ...files], env);
    expect(first.code, first.stderr).toBe(0);
    const lines = first.stdout.trim().split('\n');
    expect(lines).toHaveLength(4);
    for (const line of lines) expect(line).toMatch(/^(component|profile|test|suite) \S+ [0-9a-f-]{36} created$/);
    expect(first.stderr).toMatch(/cookie-consent/);
    const second = await runCli(['import', ...files], env);
    expect(second.stdout.trim().split('\n')).toEqual(lines.map((l) => l.replace(/created$/, 'updated')));
  });

  it('prints file:line:col for an invalid document, imports nothing and exits 1', async () => {
    const bundle = join(dir, 'bundle');
    await mkdir(bundle, { recursive: true });
    await writeFile(
      join(bundle, 'a-good.yaml'),
      "schema_version: '1.0'\nschema_type: test\ndata:\n  name: 'Good'\n  slug: 'good-one'\n  runtime: browser\n  screen_size: desktop\n",
    );
    await writeFile(join(bundle, 'b-bad.yaml'), "schema_version: '1.0'\nschema_type: test\ndata:\n  name: 'Bad'\n  runtime: browser\n  screen_size: huge\n");
    const res = await runCli(['import', bundle], env);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/b-bad\.yaml:6:\d+: .*screen_size/);
    expect(res.stdout).toBe('');
    const tests = await fetch(`${server.url}/api/v2/tests/?query=good`, { headers: { authorization: 'Token cli-import-token' } });
    expect(((await tests.json()) as { count: number }).count).toBe(0);
  });

  it('fails with one clear line for a bad token or a server that is down', async () => {
    const badToken = await runCli(['import', join(EXAMPLES, 'valid', 'minimal-test.yaml')], { ...env, BUGRUN_TOKEN: 'wrong' });
    expect(badToken.code).toBe(1);
    expect(badToken.stderr.trim()).toMatch(/^bugrun: .*rejected the API token/);
    const down = await runCli(['import', join(EXAMPLES, 'valid', 'minimal-test.yaml')], { ...env, BUGRUN_URL: `http://127.0.0.1:${await freePort()}` });
    expect(down.code).toBe(1);
    expect(down.stderr.trim()).toMatch(/^bugrun: Cannot reach the Bugrun server/);
  });
});
