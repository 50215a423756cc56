import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBugrun, type TestBugrun } from '../helpers/bugrun.js';
import { startFixtureServer, type FixtureServer } from '../helpers/fixture-server.js';
import { startS3, type TestS3 } from '../helpers/s3.js';
import { waitUntil } from '../helpers/wait.js';
import { yamlStep, yamlTest } from '../helpers/yaml.js';

/**
 * Object storage that goes away mid-run: the run still ends with its own outcome, file links
 * answer 503 meanwhile, and cloud_logs (written once the storage is back) says what failed.
 */
let s3: TestS3;
let fixture: FixtureServer;
let bugrun: TestBugrun;

beforeAll(async () => {
  s3 = await startS3();
  fixture = await startFixtureServer();
  bugrun = await startBugrun({ artifactStore: { kind: 's3', bucket: s3.bucket, prefix: 'outage', region: 'us-east-1', endpoint: s3.endpoint } });
  await bugrun.importYaml({
    'outage.yaml': yamlTest(
      'outage',
      yamlStep('goto', `url: '${fixture.url}/index.html'`, { name: 'Before' }) +
        yamlStep('goto', `url: '${fixture.url}/gate?name=outage'`, { name: 'During' }) +
        yamlStep('assert', "selector: 'css=#gate', assertion_property: textContent, assertion_type: contain, assertion_expected_value: 'passed'", {
          name: 'After',
        }),
    ),
  });
});

afterAll(async () => {
  await bugrun?.close();
  await fixture?.close();
  await s3?.close();
});

type Run = { status: string; stepsRuns: { name: string | null; screenshotUrl: string | null }[] };
type Artifact = { kind: string; file: string };

describe('artifact storage down during a run', () => {
  it('ends the run with its own outcome, answers 503 for its files, and writes cloud_logs naming the failures when the storage is back', async () => {
    const runId = await bugrun.startRun('outage');
    await fixture.arrived('outage');
    // The first step's screenshot is stored (uploads follow the steps) before the storage goes away.
    await waitUntil(
      "the first step's screenshot",
      async () => ((await bugrun.api('GET', `/api/v2/testruns/${runId}/`)).json() as Run).stepsRuns.find((s) => s.name === 'Before')?.screenshotUrl ?? null,
      (url) => url !== null,
    );
    await s3.stop();
    fixture.open('outage');
    expect((await bugrun.waitFor(runId, ['passed', 'failed', 'error', 'stopped'], 60_000)).status).toBe('passed');

    const run = (await bugrun.api('GET', `/api/v2/testruns/${runId}/`)).json() as Run;
    const before = run.stepsRuns.find((s) => s.name === 'Before')?.screenshotUrl;
    expect(before).toBeTruthy();
    const file = await bugrun.download(before!);
    expect(file.statusCode).toBe(503);
    expect(file.headers['retry-after']).toBe('5');
    expect(file.json()).toEqual({ detail: 'The artifact storage cannot be reached; retry in a few seconds.' });
    expect((await bugrun.api('GET', `/api/v2/testruns/${runId}/logs/`)).statusCode).toBe(503);

    await s3.start();
    // The screenshot taken before the outage is there; the worker's log of the run follows.
    expect((await bugrun.download(before!)).statusCode).toBe(200);
    const artifacts = await waitUntil(
      'cloud_logs written once the storage is back',
      async () => (await bugrun.api('GET', `/api/v2/testruns/${runId}/debug-artifacts/`)).json() as Artifact[],
      (list) => list.some((a) => a.kind === 'cloud_logs'),
    );
    const cloud = (await bugrun.download(artifacts.find((a) => a.kind === 'cloud_logs')!.file)).body;
    expect(cloud).toMatch(/Recording step-ended failed: s3:\/\/bugrun-test\/outage: writing .* failed/);
    expect(cloud).toMatch(/Writing logs\.txt failed: s3:\/\/bugrun-test\/outage: writing .*logs\.txt failed/);
    expect(cloud).toMatch(/Files written, \d+ of \d+ failed/);
    expect(cloud).toMatch(/Runner returned passed/);
  });
});
