import type { FastifyPluginAsync } from 'fastify';

/**
 * `GET /config/ips/`: the addresses Bugrun's browsers connect from (`BUGRUN_EGRESS_IPS`), for the
 * allowlists of the sites under test. BugBug's clients also call it as their connection check.
 */
export const configRoutes: FastifyPluginAsync<{ egressIps: readonly string[] }> = async (app, { egressIps }) => {
  app.get('/config/ips/', async () => egressIps);
};
