/**
 * Debug artifact kinds (docs/bugbug-compatibility.md §7), in the order of the OpenAPI enum; then
 * Bugrun's own: `trace`, a Playwright trace zip (recorded only by BUGRUN_TRACE or a run's
 * `"trace": true`, so BugBug's clients, whose enum lacks it, never see one by default).
 */
export const ARTIFACT_KINDS = [
  'uploaded_file',
  'logs_partial',
  'logs',
  'cloud_logs',
  'container_stats',
  'chrome_debug_logs',
  'extension_network_logs',
  'extension_network_logs_partial',
  'report',
  'dom_snapshot',
  'visual_regression_screenshot',
  'trace',
] as const;
export type ArtifactKind = (typeof ARTIFACT_KINDS)[number];

/** The kinds the v2 API can fetch one by one (`/debug-artifacts/{artifact_type}/`). */
export const FETCHABLE_ARTIFACT_KINDS = [
  'chrome_debug_logs',
  'cloud_logs',
  'container_stats',
  'dom_snapshot',
  'logs',
  'logs_partial',
] as const satisfies readonly ArtifactKind[];
