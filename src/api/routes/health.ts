import type { FastifyPluginAsync } from 'fastify';
import type { Store } from '../../store/index.js';
import type { Links } from '../serializers.js';

/** `GET /tests/{id}/history/` and `GET /health/`: how tests fared over time (issue #17). */
export const healthRoutes: FastifyPluginAsync<{ store: Store; links: Links }> = async () => {};
