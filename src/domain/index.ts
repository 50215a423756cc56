export * from './run-status.js';
export * from './error-codes.js';
export * from './artifact-kind.js';
export * from './step.js';
export * from './test-plan.js';
export * from './run-events.js';
export * from './secrets.js';
export * from './run-resources.js';
