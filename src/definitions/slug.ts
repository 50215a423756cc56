/**
 * BugBug-style slug of a name: lowercase, every run of characters other than a-z and 0-9 becomes
 * one `-`, no leading or trailing `-`. Accents are folded first so `Café` gives `cafe`, not `caf`.
 */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** The explicit `slug` when one is given (non-empty), else the slug of the name. */
export function slugOf(slug: string | null | undefined, name: string): string {
  return typeof slug === 'string' && slug.trim() !== '' ? slug.trim() : slugify(name);
}
