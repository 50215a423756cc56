import type { FastifyPluginAsync } from 'fastify';

/** Playwright's trace viewer, served from playwright-core's own files (issue #17). */
export const traceViewerRoutes: FastifyPluginAsync = async () => {};
