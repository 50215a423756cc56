import type { FastifyPluginAsync } from 'fastify';
import type { Store } from '../../store/index.js';
import { suiteEntries } from '../../use-cases/index.js';
import { ApiError } from '../errors.js';
import { readDefinitionList } from '../definition-list.js';
import { paginate } from '../pagination.js';
import { serializeSuite } from '../serializers.js';
import { isUuid } from '../validate.js';

/** `GET /suites/` (query, ordering, pagination) and `GET /suites/{id}/` (by id or slug), as `V2Suite`. */
export const suitesRoutes: FastifyPluginAsync<{ store: Store }> = async (app, { store }) => {
  app.get('/suites/', async (request) => {
    const { page, options } = readDefinitionList(request.query as Record<string, unknown>);
    const { count, rows } = await store.suites.list(request.projectId, options);
    const tests = rows.length > 0 ? await store.tests.listAll(request.projectId) : [];
    const results = await Promise.all(rows.map(async (suite) => serializeSuite(suite, await suiteEntries(store, suite, tests))));
    return paginate(request, page, count, results);
  });

  app.get<{ Params: { id: string } }>('/suites/:id/', async (request) => {
    const { id } = request.params;
    const suite = isUuid(id) ? await store.suites.get(request.projectId, id.toLowerCase()) : await store.suites.getBySlug(request.projectId, id);
    if (!suite) throw new ApiError('NOT_FOUND');
    return serializeSuite(suite, await suiteEntries(store, suite));
  });
};
