import { randomUUID } from 'node:crypto';
import type { SuiteData } from '../definitions/index.js';
import type { TriggeredBy } from '../domain/index.js';
import type { NewSuiteTest, RunService } from '../runs/index.js';
import type { DefinitionRow, RunVariable, Store, SuiteRunRow } from '../store/index.js';
import { planForRun } from './plan-for-run.js';
import { resolveProfile, type ScheduleTick, type StartTestRunInput } from './start-test-run.js';

/** One test of a suite as it would run now: the stored test, or null when its slug names none. */
export interface SuiteEntry {
  slug: string;
  test: DefinitionRow | null;
}

/**
 * The tests a suite runs, in order: those it lists (deactivated ones left out), then, with
 * `auto_add_new_tests`, every other test of the project by name. `projectTests`: the project's
 * tests, when the caller already read them (a page of suites reads them once).
 */
export async function suiteEntries(store: Store, suite: DefinitionRow, projectTests?: readonly DefinitionRow[]): Promise<SuiteEntry[]> {
  const data = suite.data as SuiteData;
  const tests = projectTests ?? (await store.tests.listAll(suite.projectId));
  const bySlug = new Map(tests.map((t) => [t.slug, t]));
  const listed = [...new Set((data.tests ?? []).filter((t) => t.is_deactivated !== true).map((t) => t.test_source))];
  const entries = listed.map((slug) => ({ slug, test: bySlug.get(slug) ?? null }));
  if (data.suite_settings.auto_add_new_tests) {
    const named = new Set((data.tests ?? []).map((t) => t.test_source));
    for (const test of tests) if (!named.has(test.slug)) entries.push({ slug: test.slug, test });
  }
  return entries;
}

export interface StartSuiteRunInput {
  projectId: string;
  /** A suite id (lower-case UUID) of the project; null when the caller found it invalid. */
  suiteId: string | null;
  profile: StartTestRunInput['profile'];
  variables: RunVariable[];
  triggeredBy: TriggeredBy;
  /**
   * The schedule tick starting the suite run. Scheduled suites retry each failed test at least
   * once, as BugBug's do ("by default all suites use the auto-retry failed tests setting").
   */
  schedule?: ScheduleTick | null;
}

export type StartSuiteRunResult = { ok: true; suiteRun: SuiteRunRow } | { ok: false; errors: Record<string, string[]> };

/**
 * Starts a run of a suite: plans each of its tests (as startTestRun does, with the built-ins
 * suiteRunId, suiteId and suiteName set) and hands them to the run service together. A test
 * that no longer exists, or cannot be planned, ends `error` and the others run. A suite with no
 * tests ends `passed` at once. Throws QueueFullError when the queue cannot take its tests.
 */
export async function startSuiteRun(
  deps: { store: Store; runs: RunService },
  input: StartSuiteRunInput,
  invalid: Record<string, string[]> = {},
): Promise<StartSuiteRunResult> {
  const { store, runs } = deps;
  const { projectId } = input;
  const errors: Record<string, string[]> = { ...invalid };
  const suite = input.suiteId === null ? null : await store.suites.get(projectId, input.suiteId);
  if (!suite && input.suiteId !== null) errors.suiteId = [`Invalid pk "${input.suiteId}" - object does not exist.`];
  const profile = await resolveProfile(store, projectId, input.profile, errors);
  if (!suite || Object.keys(errors).length > 0) return { ok: false, errors };

  const data = suite.data as SuiteData;
  const suiteRunId = randomUUID();
  const schedule = input.schedule ?? null;
  const tests: NewSuiteTest[] = [];
  for (const { slug, test } of await suiteEntries(store, suite)) {
    const runId = randomUUID();
    if (!test) {
      const message = `The suite lists test "${slug}", which does not exist in the project`;
      tests.push({ runId, testId: null, testName: slug, plan: { errorCode: 'INITIALIZATION_ERROR', message } });
      continue;
    }
    const plan = await planForRun(store, {
      projectId,
      runId,
      test,
      profile,
      overrides: input.variables,
      suite: { runId: suiteRunId, id: suite.id, name: suite.name },
      schedule,
    });
    tests.push({ runId, testId: test.id, testName: test.name, plan });
  }
  const suiteRun = await runs.createSuite(
    {
      projectId,
      suiteId: suite.id,
      suiteName: suite.name,
      suiteRunId,
      profileId: profile?.id ?? null,
      profileName: profile?.name ?? null,
      triggeredBy: input.triggeredBy,
      variables: input.variables,
      parallelRun: data.suite_settings.run_in_parallel,
      autoRetry: schedule ? Math.max(1, data.suite_settings.auto_retry) : data.suite_settings.auto_retry,
      tests,
      schedule: schedule && { id: schedule.id, tick: schedule.tick },
    },
    store,
  );
  return { ok: true, suiteRun };
}
