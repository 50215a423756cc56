import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBugrun, type TestBugrun } from '../helpers/bugrun.js';
import { startFixtureServer, type FixtureServer } from '../helpers/fixture-server.js';
import { jpegSize } from '../helpers/jpeg.js';
import { yamlStep, yamlTest } from '../helpers/yaml.js';

/** BUGRUN_PASSED_SCREENSHOTS=full reaches the worker: a passed step's picture is full size (the default's is checked in runs-integration). */
let bugrun: TestBugrun;
let fixture: FixtureServer;

beforeAll(async () => {
  fixture = await startFixtureServer();
  bugrun = await startBugrun({ passedScreenshots: 'full' });
  await bugrun.importYaml({ 'title.yaml': yamlTest('title', yamlStep('goto', `url: '${fixture.url}/title.html'`)) });
});

afterAll(async () => {
  await bugrun?.close();
  await fixture?.close();
});

describe('BUGRUN_PASSED_SCREENSHOTS=full', () => {
  it("keeps a passed step's screenshot at full size", async () => {
    const runId = await bugrun.startRun('title');
    await bugrun.waitFor(runId, ['passed', 'failed', 'error'], 60_000);
    const run = (await bugrun.api('GET', `/api/v2/testruns/${runId}/`)).json() as { status: string; stepsRuns: { screenshotUrl: string }[] };
    expect(run.status).toBe('passed');
    const shot = await bugrun.download(run.stepsRuns[0]?.screenshotUrl as string);
    expect(jpegSize(shot.rawPayload)).toEqual({ width: 1366, height: 768 });
  });
});
