/** Public API of the runner: a browser pool and `runPlan`, which executes one TestPlan. */
export { BrowserPool, defaultChromiumPath, CHROMIUM_ARGS, type BrowserPoolOptions } from './browser-pool.js';
export { runPlan, type RunPlanOptions } from './run-plan.js';
export { RUNNER_PHASE_CHANNEL, type RunnerPhase, type RunnerPhaseMessage } from './phases.js';
export { TRACE_MAX_BYTES, traceStepTitle, type TraceRecording } from './trace.js';
