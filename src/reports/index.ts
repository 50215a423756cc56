export * from './report-run.js';
export * from './junit.js';
export * from './log-file.js';
export * from './html-report.js';
export { toHar } from './har.js';
