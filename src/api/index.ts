export { buildApi, type ApiDeps } from './app.js';
export { createFileUrls, type FileUrls } from './file-urls.js';
export { API_ERRORS } from './errors.js';
