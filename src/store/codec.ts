import type { Kysely } from 'kysely';
import type { Database } from './database.js';

/*
 * Conversions between the values callers use and the portable column encodings of database.ts,
 * plus the one transaction helper every repository shares.
 */

let lastNow = 0;

/**
 * The current time, but never the same or an earlier value twice in this process: "created"
 * then orders rows written in the same millisecond in the order they were written (the first
 * project, the latest artifact of a kind), where equal times would fall back to random ids.
 * A burst of writes can run the clock a few milliseconds ahead; it catches up when idle.
 */
export function nowIso(): string {
  const now = Date.now();
  lastNow = now > lastNow ? now : lastNow + 1;
  return new Date(lastNow).toISOString();
}

/**
 * Timestamps are compared as strings, which is only right when they all have the exact form of
 * `toISOString()`; anything else a caller hands us (an offset, no milliseconds) is normalised.
 */
export function toIso(value: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new RangeError(`not a timestamp: ${value}`);
  return new Date(ms).toISOString();
}

export function toIsoOrNull(value: string | null): string | null {
  return value === null ? null : toIso(value);
}

export function toJson(value: unknown): string {
  return JSON.stringify(value ?? null);
}

export function fromJson(text: string): unknown {
  return JSON.parse(text) as unknown;
}

export function fromJsonOrNull(text: string | null): unknown {
  return text === null ? null : fromJson(text);
}

export function toFlag(value: boolean): number {
  return value ? 1 : 0;
}

export function fromFlag(value: number | string | boolean): boolean {
  return Number(value) !== 0;
}

/** Counts and bigints come back as strings from pg and as numbers from SQLite. */
export function toNumber(value: number | string | bigint): number {
  return Number(value);
}

/** A LIKE pattern matching `text` anywhere, with the wildcards in `text` taken literally. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Runs `fn` in a transaction, or directly when `db` already is one, so repository operations
 * that must be atomic stay atomic on their own and also join a caller's `store.transaction`.
 */
export async function atomic<T>(db: Kysely<Database>, fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  if (db.isTransaction) return fn(db);
  return db.transaction().execute(fn);
}

/**
 * Runs `fn`'s reads in one snapshot (REPEATABLE READ on PostgreSQL; a SQLite transaction reads
 * one snapshot anyway), so several queries see the same rows whatever commits in between.
 */
export async function snapshot<T>(db: Kysely<Database>, fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  if (db.isTransaction) return fn(db);
  return db.transaction().setIsolationLevel('repeatable read').execute(fn);
}

export interface Page<Row> {
  /** Rows matching the filters, all pages together. */
  count: number;
  rows: Row[];
}
