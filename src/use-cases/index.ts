// Use cases: what the API, the CLI, suites and schedules do, each one function over the store and runs.
export { importBundle, isYamlPath, type BundleFile, type ImportResult, type ImportedObject } from './import-bundle.js';
export { startTestRun, type StartTestRunInput, type StartTestRunResult } from './start-test-run.js';
