import type { FastifyRequest } from 'fastify';
import type { Store } from '../store/index.js';
import { ApiError } from './errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The project of the request's API token; set by `authenticate`. */
    projectId: string;
  }
}

/** `Authorization: Token <key>` (BugBug) or `Bearer <key>`; anything else is 401. */
export function tokenFrom(header: string | undefined): string | null {
  const match = /^\s*(Token|Bearer)\s+(\S+)\s*$/i.exec(header ?? '');
  return match ? match[2] : null;
}

export function authenticator(store: Store) {
  return async function authenticate(request: FastifyRequest): Promise<void> {
    const token = tokenFrom(request.headers.authorization);
    const projectId = token ? await store.tokens.findProject(token) : null;
    if (!projectId) throw new ApiError('NOT_AUTHENTICATED');
    request.projectId = projectId;
  };
}
