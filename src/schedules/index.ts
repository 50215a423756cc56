export { cronProblem, nextTick, timezoneProblem } from './cron.js';
export { Scheduler, type SchedulerOptions } from './scheduler.js';
