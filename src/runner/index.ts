/** Public API of the runner: a browser pool and `runPlan`, which executes one TestPlan. */
export { BrowserPool, defaultChromiumPath, CHROMIUM_ARGS, type BrowserPoolOptions } from './browser-pool.js';
export { runPlan, type RunPlanOptions } from './run-plan.js';
