export { buildApi, buildOpsApi, type ApiDeps } from './app.js';
export { createMetrics, type Metrics } from './metrics.js';
export type { Role } from './ops-routes.js';
export { createFileUrls, type FileUrls } from './file-urls.js';
export { API_ERRORS } from './errors.js';
