import type { FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyInstance {
    /** The base of every absolute link the API hands out (BUGRUN_PUBLIC_URL or the bound address). */
    publicUrl: string;
  }
}
import { ApiError } from './errors.js';
import { type FieldChecker } from './validate.js';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export interface PageRequest {
  page: number;
  pageSize: number;
  offset: number;
}

/** A page number or size as a query string gives it; absurdly large numbers are not pages. */
function positiveInt(raw: unknown): number | null {
  if (typeof raw !== 'string' || !/^\d{1,9}$/.test(raw)) return null;
  const n = Number(raw);
  return n >= 1 ? n : null;
}

/** DRF PageNumberPagination: `page` (1-based), `page_size` capped at the maximum. */
export function readPage(query: Record<string, unknown>, checker: FieldChecker): PageRequest {
  let page = 1;
  let pageSize = DEFAULT_PAGE_SIZE;
  if (query.page !== undefined) {
    const n = positiveInt(query.page);
    if (n === null) throw new ApiError('INVALID_PAGE');
    page = n;
  }
  if (query.page_size !== undefined) {
    const n = positiveInt(query.page_size);
    if (n === null) checker.add('page_size', 'A valid positive integer is required.');
    else pageSize = Math.min(n, MAX_PAGE_SIZE);
  }
  return { page, pageSize, offset: (page - 1) * pageSize };
}

export interface Paginated<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

/** Builds the DRF page envelope; a page past the end (other than an empty first page) is 404. */
export function paginate<T>(request: FastifyRequest, page: PageRequest, count: number, results: T[]): Paginated<T> {
  const lastPage = Math.max(1, Math.ceil(count / page.pageSize));
  if (page.page > lastPage) throw new ApiError('INVALID_PAGE');
  const link = (n: number | null): string | null => {
    if (n === null) return null;
    // Concatenated, not resolved: a request path such as `//other.host/` must not change the host.
    const url = new URL(`${request.server.publicUrl}${request.url}`);
    if (n === 1) url.searchParams.delete('page');
    else url.searchParams.set('page', String(n));
    return url.toString();
  };
  return {
    count,
    next: link(page.page < lastPage ? page.page + 1 : null),
    previous: link(page.page > 1 ? page.page - 1 : null),
    results,
  };
}
