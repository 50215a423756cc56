import type { FastifyPluginAsync } from 'fastify';
import type { ProfileVariable } from '../../definitions/index.js';
import { SECRET_MASK } from '../../domain/index.js';
import type { ProfileRow, Store } from '../../store/index.js';
import { ApiError } from '../errors.js';
import { paginate, readPage } from '../pagination.js';
import { FieldChecker, isUuid } from '../validate.js';

function summary(p: ProfileRow) {
  return { id: p.id, name: p.name, isDefault: p.isDefault };
}

/** `GET /profiles/` and `GET /profiles/{id}/`; secret values are never sent. */
export const profilesRoutes: FastifyPluginAsync<{ store: Store }> = async (app, { store }) => {
  app.get('/profiles/', async (request) => {
    const checker = new FieldChecker();
    const page = readPage(request.query as Record<string, unknown>, checker);
    checker.throwIfAny();
    const { count, rows } = await store.profiles.list(request.projectId, { ordering: 'name', offset: page.offset, limit: page.pageSize });
    return paginate(request, page, count, rows.map(summary));
  });

  app.get<{ Params: { id: string } }>('/profiles/:id/', async (request) => {
    const id = request.params.id;
    const profile = isUuid(id) ? await store.profiles.get(request.projectId, id.toLowerCase()) : null;
    if (!profile) throw new ApiError('NOT_FOUND');
    const variables = (profile.data as { variables?: ProfileVariable[] } | null)?.variables ?? [];
    return {
      ...summary(profile),
      slug: profile.slug,
      variables: variables.map((v) => ({
        key: v.key,
        name: v.name,
        value: v.secret ? SECRET_MASK : v.value,
        hasSecretValue: v.secret,
        description: v.description,
      })),
    };
  });
};
