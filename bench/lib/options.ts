/** How much work each figure does; `quick` must stay under 3 minutes on a 2-core machine. */
export type BenchMode = 'full' | 'quick' | 'tiny';

export const FIGURES = ['latency', 'references', 'parts', 'screenshot', 'trace', 'queue', 'memory', 'leak', 'throughput', 'api'] as const;
export type FigureName = (typeof FIGURES)[number];

export interface BenchOptions {
  mode: BenchMode;
  /** Steps of the reference test (20 in the real bench). */
  steps: number;
  /** Alternating repetitions of service / one-shot script / warm script (and of each reference). */
  latencyReps: number;
  /** Runs back to back in one CPU reading of the references figure (CPU per run = reading / this). */
  referenceBatch: number;
  /** Cards the long-page reference scrolls to and hovers (4 steps each, after its goto). */
  longPageCards: number;
  /** Screenshots of each kind (alternating JPEG via CDP and PNG). */
  screenshotShots: number;
  /** Runs of the reference test per trace policy (the policies alternate within a repetition). */
  traceReps: number;
  queueReps: number;
  /** Runs queued on an API process for a worker process (PostgreSQL); 0 skips it. */
  crossProcessReps: number;
  throughputConcurrency: number[];
  /** The concurrency at which every reference is measured, not only the 20-step one. */
  throughputReferencesAt: number;
  /** Runs per worker in one throughput batch (batch = concurrency × this). */
  throughputRunsPerWorker: number;
  /** Batches per side per concurrency, alternating service and script. */
  throughputReps: number;
  memoryConcurrency: number[];
  /** Runs in a row of the leak check (the sign-in reference). */
  leakRuns: number;
  apiSeedRuns: number;
  /** Seconds of autocannon load per endpoint and condition. */
  apiSeconds: number;
  apiConnections: number;
  /** autocannon worker threads (0: in the server's own thread, cheaper to start, less accurate). */
  apiWorkers: number;
  /** Runs kept executing during the "busy" API load. */
  apiBackgroundRuns: number;
  /** Only these figures (all when empty). */
  only: FigureName[];
  /**
   * Time budget: a figure that would start after it is skipped (and reported as such). The CLI's
   * watchdog stops a bench still running 4 minutes past it.
   */
  budgetSeconds: number;
  /** Discarded warm-up runs before measuring (off only in the smoke test's tiny mode). */
  warmup: boolean;
}

export function optionsFor(mode: BenchMode, only: FigureName[] = []): BenchOptions {
  switch (mode) {
    case 'full':
      return {
        mode,
        steps: 20,
        latencyReps: 7,
        referenceBatch: 3,
        longPageCards: 5,
        screenshotShots: 30,
        traceReps: 7,
        queueReps: 10,
        crossProcessReps: 10,
        throughputConcurrency: [1, 2, 4],
        throughputReferencesAt: 2,
        throughputRunsPerWorker: 3,
        throughputReps: 3,
        memoryConcurrency: [1, 2, 4],
        leakRuns: 200,
        apiSeedRuns: 100_000,
        apiSeconds: 8,
        apiConnections: 10,
        apiWorkers: 1,
        apiBackgroundRuns: 1,
        only,
        budgetSeconds: 15 * 60,
        warmup: true,
      };
    case 'quick':
      return {
        mode,
        steps: 20,
        latencyReps: 3,
        referenceBatch: 1,
        longPageCards: 5,
        screenshotShots: 10,
        traceReps: 3,
        queueReps: 4,
        crossProcessReps: 4,
        throughputConcurrency: [1, 2, 4],
        throughputReferencesAt: 2,
        throughputRunsPerWorker: 1,
        throughputReps: 1,
        memoryConcurrency: [2, 4],
        leakRuns: 40,
        apiSeedRuns: 100_000,
        apiSeconds: 2,
        apiConnections: 10,
        apiWorkers: 1,
        apiBackgroundRuns: 1,
        only,
        budgetSeconds: 170,
        warmup: true,
      };
    case 'tiny':
      return {
        mode,
        steps: 3,
        latencyReps: 1,
        referenceBatch: 1,
        longPageCards: 1,
        screenshotShots: 2,
        traceReps: 1,
        queueReps: 1,
        crossProcessReps: 0,
        throughputConcurrency: [2],
        throughputReferencesAt: 2,
        throughputRunsPerWorker: 1,
        throughputReps: 1,
        memoryConcurrency: [1],
        leakRuns: 3,
        apiSeedRuns: 1_000,
        apiSeconds: 1,
        apiConnections: 4,
        apiWorkers: 0,
        apiBackgroundRuns: 1,
        only,
        // The smoke test must see every figure: this only stops a harness that hangs (every figure
        // together takes about 50 s on a quiet machine, more on a busy one).
        budgetSeconds: 240,
        warmup: false,
      };
  }
}
