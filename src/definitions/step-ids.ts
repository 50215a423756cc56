import { stableId } from './stable-id.js';

/**
 * Step ids come from where a step sits, not from what it does: editing a step's selector keeps its
 * id (so run history lines up), moving it gets a new one. `path` is the index path, `2/0` for the
 * first conditional step of the third step.
 */
export function stepId(ownerId: string, groupSlug: string, path: readonly number[]): string {
  return stableId(ownerId, `step:${groupSlug}:${path.join('/')}`);
}

export function inlineGroupId(testId: string, groupSlug: string): string {
  return stableId(testId, `group:${groupSlug}`);
}
