import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { StepRunRecord } from '../../src/domain/index.js';
import { RunRecorder } from '../../src/runs/recorder.js';
import { retentionPolicy } from '../../src/runs/retention.js';
import { openStore, type Store } from '../../src/store/index.js';
import { stepRecord } from '../helpers/step-record.js';

/** The recorder on its own (no browser): what it writes at the end of a run, and how. */
let dir: string;
let store: Store;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bugrun-recorder-'));
  store = await openStore({ dataDir: dir });
});

afterAll(async () => {
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

function step(id: string, status: StepRunRecord['status']): StepRunRecord {
  return stepRecord(id, { stepId: 's1', name: 'Click it', status });
}

describe('run recorder', () => {
  it('writes the final files from memory, syncing only what cannot be derived again, rows in a fixed order', async () => {
    const project = await store.projects.create({ name: 'P', slug: 'p' });
    const run = await store.runs.create({
      projectId: project.id,
      testName: 'T',
      triggeredBy: 'api',
      runMode: 'server',
      screenSizeType: 'desktop',
      totalSteps: 1,
    });
    const recorder = new RunRecorder({ store, runId: run.id, testId: null, testName: 'T', retention: retentionPolicy() });
    const put = vi.spyOn(store.blobs, 'put');
    const shot = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
    recorder.emit({
      type: 'run-started',
      at: '2026-01-01T00:00:00.000Z',
      browserName: 'chromium',
      browserVersion: '1',
      osName: 'linux',
      width: 1366,
      height: 768,
    });
    recorder.emit({ type: 'step-started', step: step('step-run-1', 'running') });
    recorder.emit({ type: 'step-ended', step: step('step-run-1', 'passed'), screenshot: { data: shot, contentType: 'image/jpeg' } });
    recorder.log('info', 'step done');
    await vi.waitFor(async () => expect((await store.stepRuns.listByRun(run.id))[0]?.screenshotKey).toBeTruthy());
    // report.html embeds the screenshot from memory: the file is not read back.
    const key = (await store.stepRuns.listByRun(run.id))[0].screenshotKey!;
    await store.blobs.delete(key);

    await recorder.finish({ status: 'passed', errorCode: null, message: null }, []);
    const calls = [...put.mock.calls];
    put.mockRestore();
    expect(recorder.writeErrors).toEqual([]);

    const artifacts = await store.artifacts.listByRun(run.id);
    expect(artifacts.map((a) => a.kind)).toEqual([
      'logs_partial',
      'logs',
      'chrome_debug_logs',
      'extension_network_logs',
      'container_stats',
      'report',
      'report',
      'cloud_logs',
    ]);
    const html = artifacts.find((a) => a.name.endsWith('report.html'))!;
    expect((await store.blobs.get(html.blobKey))?.toString()).toContain(`data:image/jpeg;base64,${Buffer.from(shot).toString('base64')}`);
    const logs = artifacts.find((a) => a.kind === 'logs')!;
    expect((await store.blobs.get(logs.blobKey))?.toString()).toMatch(/step done[\s\S]*Run ended: passed/);

    const durable = Object.fromEntries(
      calls.map(([k, , o]) => [
        String(k)
          .split('/')
          .pop()!
          .replace(/^[0-9a-f]{8}-/, ''),
        o?.durable ?? true,
      ]),
    );
    expect(durable).toMatchObject({
      'logs-partial.txt': false,
      'report.html': false,
      'junit.xml': false,
      'network.har': false,
      'logs.txt': true,
      'chrome-debug-logs.json': true,
      'container-stats.json': true,
      'cloud-logs.txt': true,
    });
    // Screenshots are written atomically but not synced: one per step, on the run's critical path.
    expect(durable[key.split('/').pop()!]).toBe(false);
  });
});
