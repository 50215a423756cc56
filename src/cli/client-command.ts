import { type Command, InvalidArgumentError } from 'commander';
import { resolveClientConfig, type ClientConfig } from '../config/client-config.js';
import type { Paginated, ProfileSummary } from './api-types.js';
import { apiJson, CliError } from './http-client.js';

/** What every client command (`remote`, `schedule`, `alert`) takes to find its server. */
export interface ClientFlags {
  url?: string;
  token?: string;
}

export function withClient(cmd: Command): Command {
  return cmd
    .option('--url <url>', 'Bugrun server URL (env BUGRUN_URL, `bugrun config set-url`)')
    .option('--token <token>', 'API token (env BUGRUN_TOKEN, `bugrun config set-token`)');
}

/** Flags > BUGRUN_URL / BUGRUN_TOKEN > the saved file > defaults. */
export function client(flags: ClientFlags): ClientConfig {
  return resolveClientConfig(flags);
}

/** `--variable key=value`, repeatable. */
export function collectVariable(raw: string, previous: { key: string; value: string }[] = []): { key: string; value: string }[] {
  const at = raw.indexOf('=');
  if (at <= 0) throw new InvalidArgumentError('Expected key=value.');
  return [...previous, { key: raw.slice(0, at), value: raw.slice(at + 1) }];
}

/** Every item of a paginated list, page by page. */
export async function listAll<T>(c: ClientConfig, path: string): Promise<T[]> {
  const out: T[] = [];
  const sep = path.includes('?') ? '&' : '?';
  for (let page = 1; ; page++) {
    const body = await apiJson<Paginated<T>>(c, 'GET', `${path}${sep}page_size=100${page > 1 ? `&page=${page}` : ''}`);
    out.push(...body.results);
    if (!body.next || body.results.length === 0) return out;
  }
}

/** The first `limit` items of a paginated list (in the server's order), and how many there are in all. */
export async function listFirst<T>(c: ClientConfig, path: string, limit: number, notFound: string): Promise<{ rows: T[]; count: number }> {
  const rows: T[] = [];
  const pageSize = Math.min(limit, 100);
  for (let page = 1; ; page++) {
    const body = await apiJson<Paginated<T>>(c, 'GET', `${path}?page_size=${pageSize}&page=${page}`, { notFound });
    rows.push(...body.results);
    if (!body.next || body.results.length === 0 || rows.length >= limit) return { rows: rows.slice(0, limit), count: body.count };
  }
}

/** A profile by its name (as `remote run --profile` takes it) or its id. */
export async function resolveProfile(c: ClientConfig, nameOrId: string): Promise<ProfileSummary> {
  const profiles = await listAll<ProfileSummary>(c, '/api/v2/profiles/');
  const found = profiles.find((p) => p.name === nameOrId) ?? profiles.find((p) => p.id === nameOrId.toLowerCase());
  if (!found) throw new CliError(`Profile "${nameOrId}" not found in the project of this token; \`bugrun remote list profile\` lists them`);
  return found;
}

export function positiveInteger(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('Expected a positive whole number.');
  return n;
}

/** Columns padded to their widest cell (the last one not padded); no rows: `empty` on stderr, stdout left empty. */
export function printTable(header: string[], rows: string[][], empty = '(none)'): void {
  if (rows.length === 0) {
    console.error(empty);
    return;
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  console.log([line(header), ...rows.map(line)].join('\n'));
}

/** An API timestamp as ISO 8601 in UTC to the second (`2026-12-01T00:00:00Z`); `—` when there is none. */
export function isoTime(iso: string | null): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
