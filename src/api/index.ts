export { buildApi, type ApiDeps } from './app.js';
export { createFileUrls, type FileUrls } from './file-urls.js';
export { importBundle, type ImportResult, type ImportedObject } from './import-bundle.js';
export { serveDirectory } from './static-files.js';
export { API_ERRORS } from './errors.js';
