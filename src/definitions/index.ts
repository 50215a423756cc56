// Public API of definitions/: BugBug YAML v1 in, validated definitions and executable plans out.
export type { Diagnostic, SourceFile } from './diagnostic.js';
export { formatDiagnostic, hasErrors } from './diagnostic.js';
export type {
  ComponentDefinition,
  ImportBundle,
  ProfileDefinition,
  ProfileVariable,
  ProjectDefinition,
  SuiteDefinition,
  TestDefinition,
} from './bundle-types.js';
export type * from './types.js';
export { isComponentRef } from './types.js';
export { parseBundle } from './parse.js';
export { parseBundleInWorker } from './parse-in-worker.js';
export { IMPORT_LIMITS } from './limits.js';
export { bundlePathProblem } from './bundle-paths.js';
export { readBundleFiles } from './read-files.js';
export { componentRefs, fileSources, suiteTestRefs } from './refs.js';
export { slugify } from './slug.js';
export { stableId } from './stable-id.js';
export { buildTestPlan } from './plan.js';
export type { PlanInput } from './plan.js';
export { runBuiltins, type BuiltinsInput } from './builtins.js';
export { DEFAULT_RUN_TIMEOUT_MS, DEFAULT_SCREENS, DEFAULT_STEP_TIMEOUT_S } from './plan-settings.js';
