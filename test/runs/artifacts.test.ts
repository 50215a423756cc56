import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBugrun, type TestBugrun } from '../helpers/bugrun.js';
import { startFixtureServer } from '../helpers/fixture-server.js';
import { startS3, type TestS3 } from '../helpers/s3.js';
import { yamlStep, yamlTest } from '../helpers/yaml.js';

/**
 * Every debug artifact kind with real content, their retention, and the sweeper; uploaded bundle
 * files and visual-regression baselines; all in S3-compatible storage (a real s3rver). Every other
 * test keeps its artifacts in the default directory store, and the blob contract holds for both.
 */
describe('artifacts in S3-compatible storage', () => {
  let bugrun: TestBugrun;
  let fixture: { url: string; close(): Promise<void> };
  let runId: string;
  let s3: TestS3;
  type Artifact = { id: string; kind: string; file: string; expirationTime: string | null };

  beforeAll(async () => {
    fixture = await startFixtureServer();
    s3 = await startS3();
    const artifactStore = { kind: 's3', bucket: s3.bucket, prefix: 'artifacts', region: 'us-east-1', endpoint: s3.endpoint } as const;
    bugrun = await startBugrun({ retentionDays: { default: 7, report: null }, artifactStore });
    await bugrun.importYaml({
      't.yaml': yamlTest(
        'console-fail',
        yamlStep('goto', `url: '${fixture.url}/console.html'`, { name: 'Open the console page' }) +
          yamlStep('assert', "selector: 'css=p', assertion_property: textContent, assertion_type: equal, assertion_expected_value: 'nope'", {
            name: 'Wrong text',
            execution: 'run_timeout: 4',
          }),
      ),
    });
    runId = await bugrun.startRun('console-fail');
    await bugrun.waitFor(runId, ['failed', 'passed', 'error'], 60_000);
  }, 90_000);

  afterAll(async () => {
    await bugrun?.close();
    await fixture?.close();
    await s3?.close();
  });

  async function artifacts(): Promise<Artifact[]> {
    return (await bugrun.api('GET', `/api/v2/testruns/${runId}/debug-artifacts/`)).json() as Artifact[];
  }
  async function content(kind: string, index = 0): Promise<string> {
    const a = (await artifacts()).filter((x) => x.kind === kind)[index];
    if (!a) throw new Error(`no ${kind} artifact`);
    const res = await bugrun.download(a.file);
    expect(res.statusCode).toBe(200);
    return res.body;
  }

  describe('debug artifacts of a run', () => {
    it("has logs, partial logs and the worker's own log", async () => {
      expect(await content('logs')).toMatch(/Wrong text/);
      expect(await content('logs_partial')).toMatch(/Open the console page/);
      const cloud = await content('cloud_logs');
      expect(cloud).toMatch(/taken by worker /);
      expect(cloud).toMatch(/Runner returned failed/);
    });

    it('has CPU and memory samples of the browser processes', async () => {
      const stats = JSON.parse(await content('container_stats')) as { samples: { rssBytes: number; processes: number; cpuMs: number }[] };
      expect(stats.samples.length).toBeGreaterThanOrEqual(2);
      expect(Math.max(...stats.samples.map((s) => s.rssBytes))).toBeGreaterThan(10 * 1024 * 1024);
      expect(Math.max(...stats.samples.map((s) => s.processes))).toBeGreaterThan(1);
    });

    it("has the page console output, page errors, the network log and the failed step's DOM", async () => {
      const consoleLog = JSON.parse(await content('chrome_debug_logs')) as { level: string; text: string }[];
      expect(consoleLog.map((e) => e.text).join('\n')).toMatch(/hello from the page/);
      expect(consoleLog.some((e) => e.level === 'error' || e.level === 'pageerror')).toBe(true);
      const har = JSON.parse(await content('extension_network_logs')) as {
        log: { entries: { request: { method: string; url: string }; response: { status: number }; time: number }[] };
      };
      const page = har.log.entries.find((e) => e.request.url.endsWith('/console.html'));
      expect(page?.request.method).toBe('GET');
      expect(page?.response.status).toBe(200);
      expect(await content('dom_snapshot')).toMatch(/Console page/);
    });

    it('has the JUnit XML and a self-contained HTML report', async () => {
      const reports = (await artifacts()).filter((a) => a.kind === 'report');
      expect(reports).toHaveLength(2);
      const bodies = await Promise.all(reports.map(async (a) => (await bugrun.download(a.file)).body));
      expect(bodies.find((b) => b.startsWith('<?xml'))).toMatch(/<failure [^>]*ASSERT_FAILED/);
      const html = bodies.find((b) => b.startsWith('<!doctype html>')) ?? '';
      expect(html).toMatch(/Wrong text/);
      expect(html).toMatch(/src="data:image\/jpeg;base64,/);
      expect(html).not.toMatch(/src="http/);
    });

    it('sets expirationTime from the retention policy, and the sweeper removes what expired', async () => {
      const list = await artifacts();
      const logs = list.find((a) => a.kind === 'logs')!;
      const days = (Date.parse(logs.expirationTime!) - Date.now()) / 86_400_000;
      expect(days).toBeGreaterThan(6.9);
      expect(days).toBeLessThanOrEqual(7);
      expect(list.filter((a) => a.kind === 'report').every((a) => a.expirationTime === null)).toBe(true);
      const logFile = logs.file;

      const deleted = await bugrun.service.sweeper.sweep(new Date(Date.now() + 8 * 86_400_000));
      expect(deleted).toBe(list.filter((a) => a.expirationTime !== null).length);
      const left = await artifacts();
      expect(left.map((a) => a.kind)).toEqual(['report', 'report']);
      expect((await bugrun.download(logFile)).statusCode).toBe(404);
      const res = await bugrun.api('GET', `/api/v2/testruns/${runId}/logs/`);
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual({ detail: 'Logs not found or expired' });
    });
  });

  describe('files a run produces through the runner', () => {
    it('keeps an uploaded bundle file as uploaded_file, and visual regression images as visual_regression_screenshot', async () => {
      const res = await bugrun.api('POST', '/api/v2/import/', {
        files: [
          {
            path: 'upload.yaml',
            content: yamlTest(
              'upload-and-compare',
              yamlStep('goto', `url: '${fixture.url}/act-upload.html'`) +
                yamlStep('uploadFile', "selector: 'css=#file', file_source: 'files/hello.txt'", { name: 'Upload' }) +
                yamlStep(
                  'assert',
                  "selector: 'css=#file-out', assertion_property: textContent, assertion_type: contain, assertion_expected_value: 'hello.txt'",
                ) +
                yamlStep('pageVisualRegression', '', { name: 'Looks the same' }),
            ),
          },
          { path: 'files/hello.txt', content: 'hello from the bundle' },
        ],
      });
      expect(res.statusCode, res.body).toBe(200);
      const first = await bugrun.startRun('upload-and-compare');
      expect((await bugrun.waitFor(first, ['passed', 'failed', 'error'], 60_000)).status).toBe('passed');
      const second = await bugrun.startRun('upload-and-compare');
      expect((await bugrun.waitFor(second, ['passed', 'failed', 'error'], 60_000)).status).toBe('passed');

      const list = (await bugrun.api('GET', `/api/v2/testruns/${second}/debug-artifacts/`)).json() as Artifact[];
      const uploaded = list.filter((a) => a.kind === 'uploaded_file');
      expect(uploaded).toHaveLength(1);
      expect((await bugrun.download(uploaded[0].file)).body).toBe('hello from the bundle');
      const images = list.filter((a) => a.kind === 'visual_regression_screenshot');
      expect(images).toHaveLength(3);
      for (const image of images) expect((await bugrun.download(image.file)).rawPayload.subarray(1, 4).toString()).toBe('PNG');
    }, 120_000);
  });

  it('keeps nothing of it on the local disk', async () => {
    expect(await readdir(join(bugrun.dataDir, 'artifacts'), { recursive: true }).catch(() => [])).toEqual([]);
  });
});
