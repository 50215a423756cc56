import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBugrun, type TestBugrun } from '../helpers/bugrun.js';
import { startFixtureServer } from '../helpers/fixture-server.js';
import { jpegSize } from '../helpers/jpeg.js';
import { yamlStep, yamlTest } from '../helpers/yaml.js';
import { apiBundle, SECRET_PASSWORD } from './api-bundle.js';

/** Runs started over HTTP against the fixture site: profiles, overrides, missing elements, dead pages. */
let bugrun: TestBugrun;
let fixture: { url: string; close(): Promise<void> };

interface StepRun {
  name: string;
  status: string;
  errorCode: string | null;
  error: string | null;
  computedValue: string | null;
  assertionCurrentValue: string | null;
  screenshotUrl: string | null;
}
async function finished(runId: string) {
  await bugrun.waitFor(runId, ['passed', 'failed', 'error', 'stopped'], 60_000);
  return (await bugrun.api('GET', `/api/v2/testruns/${runId}/`)).json() as {
    status: string;
    errorCode: string | null;
    runProfileId: string | null;
    stepsRuns: StepRun[];
  };
}

beforeAll(async () => {
  fixture = await startFixtureServer();
  bugrun = await startBugrun();
  await bugrun.importYaml({
    ...apiBundle(fixture.url),
    'test-missing.yaml': yamlTest(
      'missing',
      yamlStep('goto', "url: '{{site}}/login.html'") +
        yamlStep('click', "selector: 'css=#no-such-button'", { name: 'Click a ghost', execution: 'run_timeout: 1' }),
      { name: 'Missing element' },
    ),
    'test-hang.yaml': yamlTest('hang', yamlStep('goto', "url: '{{site}}/hang'", { name: 'Open a page that never answers', execution: 'run_timeout: 2' }), {
      name: 'Page never loads',
    }),
  });
});

afterAll(async () => {
  await bugrun?.close();
  await fixture?.close();
});

describe('runs over the API', () => {
  it('uses the default profile when none is chosen', async () => {
    const run = await finished(await bugrun.startRun('login'));
    expect(run.status).toBe('passed');
    const profile = await bugrun.service.store.profiles.getDefault(bugrun.service.projectId);
    expect(run.runProfileId).toBe(profile?.id);
    expect(run.stepsRuns.find((s) => s.name === 'Type email')?.computedValue).toBe('default@example.com');
  });

  it('uses the profile chosen by runProfileId, and by name for legacy clients', async () => {
    const staging = (await bugrun.service.store.profiles.listAll(bugrun.service.projectId)).find((p) => p.name === 'Staging');
    const byId = await finished(await bugrun.startRun('login', { runProfileId: staging?.id }));
    expect(byId.status).toBe('passed');
    expect(byId.runProfileId).toBe(staging?.id);
    expect(byId.stepsRuns.find((s) => s.name === 'Type email')?.computedValue).toBe('staging@example.com');
    const byName = await finished(await bugrun.startRun('login', { profileName: 'Staging', triggeredBy: 'cli' }));
    expect(byName.runProfileId).toBe(staging?.id);
  });

  it('lets a run-time variable override the profile value', async () => {
    const run = await finished(await bugrun.startRun('login', { variables: [{ key: 'email', value: 'override@example.com' }] }));
    expect(run.status).toBe('passed');
    expect(run.stepsRuns.find((s) => s.name === 'Type email')?.computedValue).toBe('override@example.com');
    expect(run.stepsRuns.find((s) => s.name === 'Greets the user')?.assertionCurrentValue).toBe('Welcome, override@example.com');
  });

  it('fails with ELEMENT_DOES_NOT_EXIST when a selector matches nothing', async () => {
    const run = await finished(await bugrun.startRun('missing'));
    expect(run.status).toBe('failed');
    expect(run.errorCode).toBe('ELEMENT_DOES_NOT_EXIST');
    expect(run.stepsRuns.find((s) => s.name === 'Click a ghost')).toMatchObject({ status: 'failed', errorCode: 'ELEMENT_DOES_NOT_EXIST' });
    // BUGRUN_PASSED_SCREENSHOTS' default: the passed goto's picture at half width, the failed click's at full size.
    const sizes = await Promise.all(run.stepsRuns.map(async (s) => jpegSize((await bugrun.download(s.screenshotUrl as string)).rawPayload)));
    expect(sizes).toEqual([
      { width: 683, height: 384 },
      { width: 1366, height: 768 },
    ]);
  });

  it('fails (never hangs) when a page never loads', async () => {
    const t0 = Date.now();
    const run = await finished(await bugrun.startRun('hang'));
    expect(run.status).toBe('failed');
    expect(run.stepsRuns[0]?.status).toBe('failed');
    expect(['TIMEOUT', 'PAGE_LOADING_ERROR']).toContain(run.stepsRuns[0]?.errorCode);
    expect(Date.now() - t0).toBeLessThan(15_000);
  });

  it('never puts the secret into anything a run produced', async () => {
    const runs = (await bugrun.api('GET', '/api/v2/testruns/?page_size=100')).json() as { results: { id: string }[] };
    expect(runs.results.length).toBeGreaterThan(3);
    for (const { id } of runs.results) {
      const bodies = [(await bugrun.api('GET', `/api/v2/testruns/${id}/`)).body, (await bugrun.api('GET', `/api/v2/testruns/${id}/report/junit/`)).body];
      const artifacts = (await bugrun.api('GET', `/api/v2/testruns/${id}/debug-artifacts/`)).json() as { file: string }[];
      for (const a of artifacts) bodies.push((await bugrun.download(a.file)).body);
      for (const body of bodies) expect(body).not.toContain(SECRET_PASSWORD);
    }
  });
});
