import type { FastifyInstance } from 'fastify';
import type { RunService } from '../runs/index.js';
import type { Store } from '../store/index.js';
import type { Metrics } from './metrics.js';

/** What this process does: `serve` (API and worker), `api` (API only) or `worker`. */
export type Role = 'serve' | 'api' | 'worker';

export interface OpsDeps {
  store: Store;
  runs: RunService;
  metrics: Metrics;
  role: Role;
}

/** `/healthz` and `/metrics`: public, and served by every role (a worker serves only these). */
export function opsRoutes(app: FastifyInstance, deps: OpsDeps): void {
  app.get('/healthz', async (_request, reply) => {
    try {
      await deps.store.ping();
      const load = await deps.runs.load();
      return { status: 'ok', role: deps.role, database: 'ok', ...load };
    } catch {
      // Not ready to take work while the database is away: load balancers take it out meanwhile.
      return reply.code(503).send({ status: 'unavailable', role: deps.role, database: 'unreachable', queued: null, active: deps.runs.worker?.inFlight ?? 0 });
    }
  });
  app.get('/metrics', async (_request, reply) => {
    const text = await deps.metrics.registry.metrics();
    return reply.type(deps.metrics.registry.contentType).send(text);
  });
}
