import type { DefinitionListOptions } from '../store/index.js';
import { readPage, type PageRequest } from './pagination.js';
import { FieldChecker } from './validate.js';

const ORDERINGS = ['name', '-name', 'created', '-created'] as const;

/** `query`, `ordering` and the page of a definition list (tests, suites), DRF errors thrown at once. */
export function readDefinitionList(query: Record<string, unknown>): { page: PageRequest; options: DefinitionListOptions } {
  const checker = new FieldChecker();
  const page = readPage(query, checker);
  const ordering = (query.ordering ?? 'name') as DefinitionListOptions['ordering'];
  if (!ORDERINGS.includes(ordering)) checker.add('ordering', `Select a valid choice. ${String(ordering)} is not one of the available choices.`);
  checker.throwIfAny();
  const search = typeof query.query === 'string' && query.query !== '' ? query.query : undefined;
  return { page, options: { query: search, ordering, offset: page.offset, limit: page.pageSize } };
}
