/**
 * What one import may hold. A bundle is user input: without bounds, a small file can expand into
 * gigabytes (YAML aliases), nest deep enough to overflow the parser's stack, or take seconds of
 * CPU. The README's "Limits" table documents these numbers; each one is named in its error.
 */
export const IMPORT_LIMITS = {
  /** YAML documents in one import, over all its files. */
  maxDocuments: 1000,
  /** Steps of one test or component, counting the steps inside ifCondition steps. */
  maxStepsPerTest: 1000,
  /** Nested mappings and lists in one document (an ifCondition level takes two). */
  maxNestingDepth: 64,
  /** The import's size once its aliases are expanded, in characters of scalar text. */
  maxExpandedChars: 16 * 1024 * 1024,
  /** All YAML text of one import, in bytes. */
  maxYamlBytes: 8 * 1024 * 1024,
} as const;

/**
 * The worker thread that parses imports: its memory, its priority, and a backstop in time. The
 * limits above already bound how long a parse takes (seconds of CPU at most); the backstop is wall
 * time for a thread that gives way to others, so it is generous.
 */
export const PARSE_WORKER_LIMITS = {
  timeoutMs: 120_000,
  maxHeapMb: 512,
  nice: 5,
} as const;
