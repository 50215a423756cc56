import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBugrun, type TestBugrun } from '../helpers/bugrun.js';
import { yamlStep, yamlTest } from '../helpers/yaml.js';

/**
 * A run whose final files cannot be written still ends, with its own outcome. The failure is real:
 * a file where the run's `report/` folder must go makes every report write fail with ENOTDIR
 * (root ignores permission bits, so a read-only folder would prove nothing here).
 */
let bugrun: TestBugrun;
beforeAll(async () => {
  bugrun = await startBugrun();
  await bugrun.importYaml({
    'fails.yaml': yamlTest(
      'fails',
      yamlStep('goto', "url: 'data:text/html,<title>Home</title>'") +
        yamlStep('assert', "assertion_property: pageTitle, assertion_type: equal, assertion_expected_value: 'Elsewhere'", {
          execution: 'sleep: 1, run_timeout: 2',
        }),
    ),
  });
});
afterAll(() => bugrun?.close());

describe('a run whose report files cannot be written', () => {
  it('ends failed as its steps decided, and cloud_logs names the files that failed', async () => {
    const runId = await bugrun.startRun('fails');
    await bugrun.waitFor(runId, ['running']);
    const runDir = join(bugrun.dataDir, 'artifacts', runId);
    await mkdir(runDir, { recursive: true });
    await writeFile(join(runDir, 'report'), 'in the way');

    const ended = await bugrun.waitFor(runId, ['passed', 'failed', 'error', 'stopped']);
    expect(ended.status).toBe('failed');
    const run = (await bugrun.api('GET', `/api/v2/testruns/${runId}/`)).json() as { errorCode: string };
    expect(run.errorCode).toBe('ASSERT_FAILED');

    const artifacts = (await bugrun.api('GET', `/api/v2/testruns/${runId}/debug-artifacts/`)).json() as { kind: string; file: string }[];
    expect(artifacts.filter((a) => a.kind === 'report')).toEqual([]);
    expect(artifacts.map((a) => a.kind)).toEqual(expect.arrayContaining(['logs', 'cloud_logs', 'chrome_debug_logs']));
    const cloud = artifacts.find((a) => a.kind === 'cloud_logs');
    const text = (await bugrun.download(cloud?.file ?? '')).body;
    expect(text).toMatch(/Writing junit\.xml failed: ENOTDIR/);
    expect(text).toMatch(/Writing report\.html failed: ENOTDIR/);
    expect(text).toMatch(/Files written, 2 of 6 failed/);
    // The JUnit report the API renders itself still answers.
    const junit = await bugrun.api('GET', `/api/v2/testruns/${runId}/report/junit/`);
    expect(junit.statusCode).toBe(200);
    expect(junit.body).toContain('ASSERT_FAILED');
  });
});
