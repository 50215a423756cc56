import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import type { Config } from '../config/config.js';
import type { RunService } from '../runs/index.js';
import { BlobStoreUnavailableError, isDatabaseUnavailable, type Store } from '../store/index.js';
import { authenticator } from './auth.js';
import { ApiError, ValidationError } from './errors.js';
import { registerBodyTimeout } from './body-timeout.js';
import type { FileUrls } from './file-urls.js';
import { BODY_LIMITS, registerJsonBody } from './json-body.js';
import { alertsRoutes } from './routes/alerts.js';
import { configRoutes } from './routes/config.js';
import { filesRoutes } from './routes/files.js';
import { healthRoutes } from './routes/health.js';
import { importRoutes } from './routes/import.js';
import { profilesRoutes } from './routes/profiles.js';
import { schedulesRoutes } from './routes/schedules.js';
import { schemaRoutes } from './routes/schema.js';
import { suiteRunsRoutes } from './routes/suiteruns.js';
import { suitesRoutes } from './routes/suites.js';
import { testRunsRoutes } from './routes/testruns.js';
import { testsRoutes } from './routes/tests.js';
import { trackRoutes } from './route-list.js';
import type { Metrics } from './metrics.js';
import { opsRoutes, type OpsDeps, type Role } from './ops-routes.js';
import type { Links } from './serializers.js';
import { serveDirectory } from './static-files.js';
import { traceViewerRoutes } from './trace-viewer.js';
import { webUiDir, webUiRoutes } from './web-ui.js';

export interface ApiDeps {
  store: Store;
  runs: RunService;
  metrics: Metrics;
  role: Exclude<Role, 'worker'>;
  config: Config;
  files: FileUrls;
  /** Pino options or false; the CLI passes its logger settings, tests pass false. */
  logger?: boolean | object;
  /** The demo site's folder, served at `/demo/` (only with `--demo`). */
  demoSiteDir?: string;
}

function fastify(logger: ApiDeps['logger'], requestTimeoutMs: number): FastifyInstance {
  return Fastify({
    logger: logger ?? false,
    bodyLimit: BODY_LIMITS.maxBytes,
    requestTimeout: requestTimeoutMs,
    // DRF-style paths end in `/`; accept both so `/api/v2/testruns` works too.
    routerOptions: { ignoreTrailingSlash: true },
  });
}

/** A worker's HTTP app: `/healthz` and `/metrics` only, no public API. */
export function buildOpsApi(deps: OpsDeps & { logger?: ApiDeps['logger']; requestTimeoutMs: number }): FastifyInstance {
  const app = fastify(deps.logger, deps.requestTimeoutMs);
  opsRoutes(app, deps);
  return app;
}

/** Builds the HTTP app (not listening): the v2 API (mirrored under /api/v1/), files, health, metrics, docs, web UI. */
export async function buildApi(deps: ApiDeps): Promise<FastifyInstance> {
  const { requestTimeoutMs } = deps.config;
  const app = fastify(deps.logger, requestTimeoutMs);
  trackRoutes(app);
  registerJsonBody(app);
  registerBodyTimeout(app, requestTimeoutMs);
  // Links in answers (pages, files, the web app) start with the configured public URL, never
  // with the request's Host header, which the client chooses.
  app.decorate('publicUrl', deps.config.publicUrl);
  const links: Links = {
    files: deps.files,
    webappUrl: (runId) => `${deps.config.publicUrl}/runs/${runId}`,
    suiteRunUrl: (suiteRunId) => `${deps.config.publicUrl}/suite-runs/${suiteRunId}`,
  };

  app.setErrorHandler((error: FastifyError | ApiError | ValidationError, request, reply) => {
    if (error instanceof ApiError) return reply.code(error.status).headers(error.headers).send(error.body);
    if (error instanceof ValidationError) return reply.code(error.status).send(error.body);
    const code = error.code ?? '';
    if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      const e = new ApiError('UNSUPPORTED_MEDIA_TYPE', { type: String(request.headers['content-type'] ?? '') });
      return reply.code(e.status).send(e.body);
    }
    if (code.startsWith('FST_ERR_CTP_BODY_TOO_LARGE')) {
      const e = new ApiError('PAYLOAD_TOO_LARGE');
      return reply.code(e.status).send(e.body);
    }
    if (code.startsWith('FST_ERR_CTP_') || error.statusCode === 400) {
      const e = new ApiError('MALFORMED_JSON', { reason: error.message });
      return reply.code(e.status).send(e.body);
    }
    const unavailable = isDatabaseUnavailable(error) ? 'database' : error instanceof BlobStoreUnavailableError ? 'artifact storage' : null;
    if (unavailable !== null) {
      request.log.warn({ err: error }, `${unavailable} unavailable`);
      const e = new ApiError('SERVICE_UNAVAILABLE', { service: unavailable }, {}, { 'Retry-After': '5' });
      return reply.code(e.status).headers(e.headers).send(e.body);
    }
    request.log.error({ err: error }, 'unhandled error');
    const e = new ApiError('INTERNAL_ERROR');
    return reply.code(e.status).send(e.body);
  });
  app.setNotFoundHandler((request, reply) => {
    const e = new ApiError('NOT_FOUND');
    reply.code(e.status).send(e.body);
  });

  opsRoutes(app, deps);
  await app.register(filesRoutes, { store: deps.store, files: deps.files });
  // Public: the OpenAPI document, the YAML schema, the API docs page and the web UI's files.
  await app.register(schemaRoutes);
  await app.register(webUiRoutes, { dir: webUiDir() });
  await app.register(traceViewerRoutes);
  if (deps.demoSiteDir) serveDirectory(app, '/demo', deps.demoSiteDir);

  const authenticate = authenticator(deps.store);
  for (const prefix of ['/api/v2', '/api/v1']) {
    await app.register(
      async (api) => {
        api.decorateRequest('projectId', '');
        api.addHook('onRequest', authenticate);
        await api.register(testRunsRoutes, { store: deps.store, runs: deps.runs, links });
        await api.register(suiteRunsRoutes, { store: deps.store, runs: deps.runs, links });
        await api.register(testsRoutes, { store: deps.store });
        await api.register(suitesRoutes, { store: deps.store });
        await api.register(profilesRoutes, { store: deps.store });
        await api.register(importRoutes, { store: deps.store });
        await api.register(configRoutes, { egressIps: deps.config.egressIps });
        await api.register(schedulesRoutes, { store: deps.store, links });
        await api.register(alertsRoutes, { store: deps.store, emailReady: deps.config.smtpUrl !== null });
        await api.register(healthRoutes, { store: deps.store, links });
      },
      { prefix },
    );
  }
  return app;
}
