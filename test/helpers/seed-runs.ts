import { randomUUID } from 'node:crypto';
import type { RunStatus } from '../../src/domain/index.js';
import type { DefinitionRow, Store } from '../../src/store/index.js';

/**
 * Finished runs written straight through the store's repositories, with chosen statuses, times,
 * plans and suite attempts: the history test health is computed from, without a browser.
 */
export interface SeededRun {
  status: RunStatus;
  /** When it started (ms since the epoch); it was queued a second before. */
  at: number;
  /** Milliseconds from start to end; absent: it has not ended. */
  ms?: number;
  /** The test's definition the run executed (a step's URL in its plan); default `v1`. */
  version?: string;
  suite?: { id: string; position: number; attempt: number };
  errorCode?: 'INITIALIZATION_ERROR' | 'ASSERT_FAILED';
}

/**
 * A plan as startTestRun snapshots it. `version` is the test's definition; the run id, built-in
 * variables and settings differ from run to run, as they do for real.
 */
export function planOf(test: Pick<DefinitionRow, 'id' | 'name'>, version: string, runId: string) {
  return {
    runId,
    testId: test.id,
    testName: test.name,
    screen: { type: 'desktop', width: 1920, height: 1080 },
    groups: [
      {
        id: 'b6c1a7f0-0000-4000-8000-000000000001',
        name: 'Open',
        componentSlug: null,
        variables: {},
        steps: [
          {
            id: 'b6c1a7f0-0000-4000-8000-000000000002',
            action: 'goto',
            name: null,
            isActive: true,
            details: { url: `https://example.com/${version}` },
            continueOnFailure: false,
            sleep: null,
            runTimeout: null,
            waitingConditions: null,
            conditionalSteps: [],
          },
        ],
      },
    ],
    variables: [
      { key: 'testRunId', value: runId, secret: false, source: 'builtin' },
      { key: 'timestamp', value: String(Date.now() + Math.random()), secret: false, source: 'builtin' },
    ],
    settings: { stepTimeoutMs: 10_000 + Math.floor(Math.random() * 1000), runTimeoutMs: 600_000, defaultSleepMs: 0 },
  };
}

/** A test of the project by slug (created with this name when missing). */
export async function seedTest(store: Store, projectId: string, slug: string, name: string): Promise<DefinitionRow> {
  const { id } = await store.tests.upsert(projectId, { slug, name, data: {} });
  const test = await store.tests.get(projectId, id);
  if (!test) throw new Error(`test ${slug} not stored`);
  return test;
}

/**
 * Writes the runs, in order; returns their ids. Each is created in its final status, so no worker
 * takes it. A run still going belongs to `owner` (the service's own worker): recovery ends the
 * active runs of any other worker, or of none, as a dead worker's.
 */
export async function seedRuns(
  store: Store,
  projectId: string,
  test: Pick<DefinitionRow, 'id' | 'name'>,
  runs: readonly SeededRun[],
  owner: string | null = null,
): Promise<string[]> {
  const ids: string[] = [];
  for (const s of runs) {
    const id = randomUUID();
    await store.runs.create({
      id,
      projectId,
      testId: test.id,
      testName: test.name,
      profileName: 'Staging',
      status: s.status,
      triggeredBy: s.suite ? 'api' : 'scheduler',
      runMode: 'server',
      screenSizeType: 'desktop',
      plan: planOf(test, s.version ?? 'v1', id),
      queued: new Date(s.at - 1000).toISOString(),
      suiteRunId: s.suite?.id ?? null,
      suitePosition: s.suite?.position ?? null,
      attempt: s.suite?.attempt ?? 1,
    });
    await store.runs.update(id, {
      started: new Date(s.at).toISOString(),
      ended: s.ms === undefined ? null : new Date(s.at + s.ms).toISOString(),
      errorCode: s.errorCode ?? (s.status === 'failed' ? 'ASSERT_FAILED' : null),
      ...(s.ms === undefined ? { workerId: owner } : {}),
    });
    ids.push(id);
  }
  return ids;
}

/** A suite run already finished (so recovery never advances it), for seeded attempts to belong to. */
export async function seedSuiteRun(store: Store, projectId: string, at: number): Promise<string> {
  const s = await store.suiteRuns.create({
    projectId,
    suiteId: randomUUID(),
    suiteName: 'Nightly',
    triggeredBy: 'api',
    profileId: null,
    profileName: null,
    variables: [],
    parallelRun: false,
    parallelSlots: 1,
    autoRetry: 1,
    totalTests: 1,
  });
  await store.suiteRuns.transition(s.id, ['queued'], { status: 'passed', started: new Date(at).toISOString(), ended: new Date(at + 60_000).toISOString() });
  return s.id;
}
