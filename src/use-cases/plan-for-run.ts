import { randomInt } from 'node:crypto';
import { buildTestPlan, type ComponentData, type ProfileVariable, type ProjectSettings, type TestData } from '../definitions/index.js';
import type { Failure, TestPlan } from '../domain/index.js';
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
}

function randomLetters(n: number): string {
  return Array.from({ length: n }, () => String.fromCharCode(97 + randomInt(26))).join('');
}

function randomDigits(n: number): string {
  return String(randomInt(1, 10)) + Array.from({ length: n - 1 }, () => String(randomInt(10))).join('');
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
    builtins: {
      testRunId: req.runId,
      testId: req.test.id,
      testName: req.test.name,
      suiteRunId: req.suite?.runId ?? '',
      suiteId: req.suite?.id ?? '',
      suiteName: req.suite?.name ?? '',
      scheduleId: req.schedule?.id ?? '',
      scheduleName: req.schedule?.name ?? '',
      runMode: 'server',
      profileName: req.profile?.name ?? '',
      timestamp: String(Date.now()),
      randomNameFixed: randomLetters(8),
      randomNumberFixed: randomDigits(10),
    },
  });
  return 'plan' in result ? result.plan : result.failure;
}
