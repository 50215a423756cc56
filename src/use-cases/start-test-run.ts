import type { TracePolicy, TriggeredBy } from '../domain/index.js';
import type { RunService } from '../runs/index.js';
import type { ProfileRow, RunRow, RunVariable, Store } from '../store/index.js';
import { planForRun } from './plan-for-run.js';

export interface StartTestRunInput {
  projectId: string;
  /** A test id (lower-case UUID) of the project; null when the caller found it invalid. */
  testId: string | null;
  /** By id, by name (BugBug's CLI), or null for the project's default profile. */
  profile: { id: string } | { name: string } | null;
  variables: RunVariable[];
  triggeredBy: TriggeredBy;
  /** The schedule tick starting the run (built-ins scheduleId, scheduleName; one run per tick). */
  schedule?: ScheduleTick | null;
  /** The run's own trace policy, kept in its plan (the API's `"trace": true` is `on`); absent: the worker's. */
  trace?: TracePolicy | null;
}

/** One tick of a schedule, as the runs it starts record it. */
export interface ScheduleTick {
  id: string;
  name: string;
  /** The tick's time (ISO). */
  tick: string;
}

/** What was named but does not exist, per input field, in the words BugBug's API uses. */
export type StartTestRunResult = { ok: true; run: RunRow } | { ok: false; errors: Record<string, string[]> };

/** The profile a run request names (or the default one); what does not exist goes in `errors`. */
export async function resolveProfile(
  store: Store,
  projectId: string,
  named: StartTestRunInput['profile'],
  errors: Record<string, string[]>,
): Promise<ProfileRow | null> {
  if (named === null) return store.profiles.getDefault(projectId);
  if ('id' in named) {
    const profile = await store.profiles.get(projectId, named.id);
    if (!profile) errors.runProfileId = [`Invalid pk "${named.id}" - object does not exist.`];
    return profile;
  }
  const profile = (await store.profiles.listAll(projectId)).find((p) => p.name === named.name) ?? null;
  if (!profile) errors.profileName = [`Profile "${named.name}" does not exist.`];
  return profile;
}

/**
 * Starts one run of a test: resolves the test and profile, snapshots the plan (test, components,
 * profile, overrides, settings) and queues the run. The one way in for the API, the CLI and
 * schedules (suites start theirs with startSuiteRun). Throws QueueFullError when the queue is full. `invalid` holds what the caller
 * already found wrong with the same request: those errors are answered together with these (as
 * DRF validates every field at once), and no run starts.
 */
export async function startTestRun(
  deps: { store: Store; runs: RunService },
  input: StartTestRunInput,
  invalid: Record<string, string[]> = {},
): Promise<StartTestRunResult> {
  const { store, runs } = deps;
  const { projectId } = input;
  const errors: Record<string, string[]> = { ...invalid };
  const test = input.testId === null ? null : await store.tests.get(projectId, input.testId);
  if (!test && input.testId !== null) errors.testId = [`Invalid pk "${input.testId}" - object does not exist.`];

  const profile = await resolveProfile(store, projectId, input.profile, errors);
  if (!test || Object.keys(errors).length > 0) return { ok: false, errors };

  const runId = crypto.randomUUID();
  const schedule = input.schedule ?? null;
  const plan = await planForRun(store, { projectId, runId, test, profile, overrides: input.variables, suite: null, schedule, trace: input.trace });
  const run = await runs.create(
    {
      projectId,
      runId,
      testId: test.id,
      testName: test.name,
      profileId: profile?.id ?? null,
      profileName: profile?.name ?? null,
      triggeredBy: input.triggeredBy,
      variables: input.variables,
      schedule: schedule && { id: schedule.id, tick: schedule.tick },
      plan,
    },
    store,
  );
  return { ok: true, run };
}
