import { buildTestPlan, runBuiltins, type ComponentData, type ProfileVariable, type ProjectSettings, type TestData } from '../definitions/index.js';
import type { Failure, TestPlan, TracePolicy } from '../domain/index.js';
import type { DefinitionRow, ProfileRow, Store } from '../store/index.js';

export interface PlanRequest {
  projectId: string;
  runId: string;
  test: DefinitionRow;
  profile: ProfileRow | null;
  overrides: { key: string; value: string | null }[];
  /** The suite run this run is one test of, or null. */
  suite: { runId: string; id: string; name: string } | null;
  /** The schedule that starts the run, or null. */
  schedule?: { id: string; name: string } | null;
  /** The run's own trace policy (TestPlan.trace); absent or null: the worker's. */
  trace?: TracePolicy | null;
}

/** Snapshots what a run will execute: the test with its components, profile, overrides and project settings. */
export async function planForRun(store: Store, req: PlanRequest): Promise<TestPlan | Failure> {
  const [project, components] = await Promise.all([store.projects.get(req.projectId), store.components.listAll(req.projectId)]);
  const profileVariables = (req.profile?.data as { variables?: ProfileVariable[] } | null)?.variables ?? [];
  const result = buildTestPlan({
    runId: req.runId,
    test: { id: req.test.id, name: req.test.name, data: req.test.data as TestData },
    components: new Map(components.map((c) => [c.slug, { id: c.id, data: c.data as ComponentData }])),
    settings: (project?.settings as ProjectSettings | null) ?? null,
    profileVariables,
    overrides: req.overrides,
    builtins: runBuiltins({
      runId: req.runId,
      test: req.test,
      profileName: req.profile?.name ?? null,
      runMode: 'server',
      suite: req.suite,
      schedule: req.schedule,
    }),
  });
  if (!('plan' in result)) return result.failure;
  return req.trace ? { ...result.plan, trace: req.trace } : result.plan;
}
