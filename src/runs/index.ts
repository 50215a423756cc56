export * from './run-service.js';
export * from './state-machine.js';
