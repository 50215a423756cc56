import type { FastifyPluginAsync } from 'fastify';
import type { Store } from '../../store/index.js';
import { ApiError } from '../errors.js';
import { readDefinitionList } from '../definition-list.js';
import { paginate } from '../pagination.js';
import { isUuid } from '../validate.js';

/** `GET /tests/` (query, ordering, pagination) and `GET /tests/{id}/`. */
export const testsRoutes: FastifyPluginAsync<{ store: Store }> = async (app, { store }) => {
  app.get('/tests/', async (request) => {
    const { page, options } = readDefinitionList(request.query as Record<string, unknown>);
    const { count, rows } = await store.tests.list(request.projectId, options);
    return paginate(
      request,
      page,
      count,
      rows.map((t) => ({ id: t.id, name: t.name, slug: t.slug, created: t.created, modified: t.modified })),
    );
  });

  app.get<{ Params: { id: string } }>('/tests/:id/', async (request) => {
    const id = request.params.id;
    const test = isUuid(id) ? await store.tests.get(request.projectId, id.toLowerCase()) : await store.tests.getBySlug(request.projectId, id);
    if (!test) throw new ApiError('NOT_FOUND');
    const data = test.data as { screen_size?: string; tags?: string[]; groups?: unknown[] };
    return {
      id: test.id,
      name: test.name,
      slug: test.slug,
      screenSizeType: data.screen_size ?? 'desktop',
      tags: data.tags ?? [],
      created: test.created,
      modified: test.modified,
    };
  });
};
