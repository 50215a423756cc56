import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  buildTestPlan,
  bundlePathProblem,
  componentRefs,
  fileSources,
  formatDiagnostic,
  parseBundleInWorker,
  readBundleFiles,
  runBuiltins,
  stableId,
  type ImportBundle,
  type ProfileDefinition,
  type TestDefinition,
} from '../definitions/index.js';
import type { Failure, RunResources, TestPlan } from '../domain/index.js';

/** Names the ids of a local run's tests and components: stable, so step ids are the same from run to run. */
const LOCAL_NAMESPACE = 'bugrun-local';

/** A refusal before anything runs: invalid YAML or a usage error (exit code 2). */
export class LocalUsageError extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join('\n'));
  }
}

export interface LocalBundle {
  bundle: ImportBundle;
  /** `file:line:col: warning: …` lines and other warnings, to show on stderr. */
  warnings: string[];
  /** Where bundle files (uploadFile's `file_source`, reference screenshots) are looked for: each folder given, and the folder of each file given. */
  roots: string[];
}

/**
 * Reads and validates every YAML document of `paths` with import's own parser and validators (in
 * its worker thread, within the import limits), and checks what import would only warn about but a
 * run without a server cannot recover from: a component that none of the files define.
 */
export async function loadLocalBundle(paths: string[]): Promise<LocalBundle> {
  const roots: string[] = [];
  for (const path of paths) {
    const info = await stat(path).catch((err: NodeJS.ErrnoException) => {
      throw new LocalUsageError([`bugrun: ${err.code === 'ENOENT' ? `no such file or folder: ${path}` : `cannot read ${path}: ${err.message}`}`]);
    });
    roots.push(info.isDirectory() ? path : dirname(path));
  }
  const files = await readBundleFiles(paths).catch((err: Error) => {
    throw new LocalUsageError([`bugrun: cannot read the YAML files: ${err.message}`]);
  });
  if (files.length === 0) throw new LocalUsageError([`bugrun: no .yaml or .yml files found in ${paths.join(', ')}`]);

  const { bundle, diagnostics } = await parseBundleInWorker(files);
  const errors = diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
  const warnings = diagnostics.filter((d) => d.severity === 'warning').map(formatDiagnostic);
  const components = new Set(bundle.components.map((c) => c.slug));
  for (const test of bundle.tests) {
    for (const ref of componentRefs(test.data)) {
      if (!components.has(ref)) errors.push(`${test.file}: test "${test.slug}" uses component "${ref}", which none of the files given define`);
    }
  }
  if (errors.length > 0) throw new LocalUsageError([...warnings, ...errors]);
  if (bundle.tests.length === 0) throw new LocalUsageError([...warnings, `bugrun: no tests found in ${paths.join(', ')}`]);

  const resources = localResources(roots);
  for (const def of [...bundle.tests, ...bundle.components]) {
    for (const path of fileSources(def.data)) {
      if ((await resources.file(path)) === null) {
        warnings.push(`${def.file}: warning: "${def.slug}" reads "${path}", which is not in the bundle; that step will fail with FILE_DOES_NOT_EXIST`);
      }
    }
  }
  return { bundle, warnings, roots };
}

/** The profile a run uses: the one named (by name, as the server's `--profile`, else by slug), or the default one, or none. */
export function chooseProfile(bundle: ImportBundle, name: string | undefined): ProfileDefinition | null {
  if (name === undefined) return bundle.profiles.find((p) => p.isDefault) ?? null;
  const found = bundle.profiles.find((p) => p.name === name) ?? bundle.profiles.find((p) => p.slug === name);
  if (found) return found;
  const known = bundle.profiles.map((p) => `"${p.name}"`).join(', ');
  throw new LocalUsageError([`bugrun: profile "${name}" is not defined in the files given (${known ? `profiles: ${known}` : 'they define no profile'})`]);
}

export interface LocalPlanRequest {
  runId: string;
  test: TestDefinition;
  profile: ProfileDefinition | null;
  overrides: { key: string; value: string }[];
}

/** The local id of a test of the bundle (there is no database to give it one). */
export const localTestId = (slug: string): string => stableId(LOCAL_NAMESPACE, `test:${slug}`);

/**
 * What a local run executes, built as the server's planForRun builds it from stored rows: the
 * test with its components, the profile's variables, the overrides, the project settings, the
 * built-ins (runMode `local`). Only the ids differ: derived from the slugs, not stored.
 */
export function planLocalRun(bundle: ImportBundle, req: LocalPlanRequest): TestPlan | Failure {
  const test = { id: localTestId(req.test.slug), name: req.test.name, data: req.test.data };
  const result = buildTestPlan({
    runId: req.runId,
    test,
    components: new Map(bundle.components.map((c) => [c.slug, { id: stableId(LOCAL_NAMESPACE, `component:${c.slug}`), data: c.data }])),
    settings: bundle.project?.settings ?? null,
    profileVariables: req.profile?.variables ?? [],
    overrides: req.overrides,
    builtins: runBuiltins({ runId: req.runId, test, profileName: req.profile?.name ?? null, runMode: 'local' }),
  });
  return 'plan' in result ? result.plan : result.failure;
}

/**
 * Files the steps read, from the folders given (paths relative to them, as import stores them);
 * visual regression baselines live only as long as the command (nothing is left behind).
 */
export function localResources(roots: readonly string[]): RunResources {
  const baselines = new Map<string, Uint8Array>();
  return {
    async file(path) {
      // The same paths the server accepts: relative, no `..`.
      if (bundlePathProblem(path) !== null) return null;
      for (const root of roots) {
        const data = await readFile(join(root, path)).catch(() => null);
        if (data) return data;
      }
      return null;
    },
    baseline: async (key) => baselines.get(key) ?? null,
    saveBaseline: async (key, png) => {
      baselines.set(key, png);
    },
  };
}
