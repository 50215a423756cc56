/** Node socket errors that mean the database server could not be reached or went away. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/** PostgreSQL: admin/crash shutdown, cannot connect now, too many connections. */
const SERVER_STATES = new Set(['57P01', '57P02', '57P03', '53300']);
const MESSAGES = [/connection terminated/i, /timeout exceeded when trying to connect/i, /client has encountered a connection error/i, /database is locked/i];

/**
 * True when `err` says the database is out of reach for now (down, restarting, unreachable,
 * saturated), as opposed to a bug or bad data: callers answer 503 and retry later, not 500.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (err instanceof AggregateError) return err.errors.some(isDatabaseUnavailable);
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || SERVER_STATES.has(code) || code.startsWith('08')) return true;
    if (code === 'SQLITE_BUSY') return true;
  }
  return MESSAGES.some((m) => m.test(err.message));
}
