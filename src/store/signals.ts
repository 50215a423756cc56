import { EventEmitter } from 'node:events';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import pg from 'pg';
import type { Database } from './database.js';

/** What one process tells the others: a run was queued (wake up), a run was stopped (abort it). */
export type SignalChannel = 'run-queued' | 'run-stopped';

/**
 * Fire-and-forget messages between the processes of one database. Delivery is best effort (a
 * listener that is reconnecting misses what was sent meanwhile), so every receiver also polls.
 */
export interface Signals {
  publish(channel: SignalChannel, payload: string): Promise<void>;
  /** Returns the unsubscribe function. */
  subscribe(channel: SignalChannel, listener: (payload: string) => void): () => void;
  close(): Promise<void>;
}

/** SQLite: one process, so an event emitter is the whole story. */
export function localSignals(): Signals {
  const events = new EventEmitter();
  events.setMaxListeners(0);
  return {
    async publish(channel, payload) {
      events.emit(channel, payload);
    },
    subscribe(channel, listener) {
      events.on(channel, listener);
      return () => events.off(channel, listener);
    },
    async close() {
      events.removeAllListeners();
    },
  };
}

const RECONNECT_MS = 1_000;

/**
 * PostgreSQL LISTEN/NOTIFY. Channels are named after the schema, so databases shared by several
 * Bugrun installations (or tests) do not hear each other. One dedicated connection listens; it
 * reconnects after errors.
 */
export function postgresSignals(db: Kysely<Database>, url: string, schema: string): Signals {
  const events = new EventEmitter();
  events.setMaxListeners(0);
  const channelName = (c: SignalChannel) => `bugrun.${schema}.${c}`;
  const names = new Map<string, SignalChannel>((['run-queued', 'run-stopped'] as const).map((c) => [channelName(c), c]));
  let client: pg.Client | null = null;
  let connecting: Promise<void> | null = null;
  let closed = false;
  let retry: NodeJS.Timeout | null = null;

  const connect = (): Promise<void> =>
    (connecting ??= (async () => {
      const c = new pg.Client({ connectionString: url });
      c.on('notification', (n) => {
        const channel = names.get(n.channel);
        if (channel) events.emit(channel, n.payload ?? '');
      });
      const lost = () => {
        if (client !== c) return;
        client = null;
        connecting = null;
        c.end().catch(() => undefined);
        if (!closed) retry = setTimeout(() => void connect().catch(() => undefined), RECONNECT_MS);
      };
      c.on('error', lost);
      c.on('end', lost);
      try {
        await c.connect();
        for (const name of names.keys()) await c.query(`LISTEN "${name.replaceAll('"', '""')}"`);
        client = c;
        if (closed) await c.end();
      } catch (err) {
        connecting = null;
        await c.end().catch(() => undefined);
        if (!closed) retry = setTimeout(() => void connect().catch(() => undefined), RECONNECT_MS);
        throw err;
      }
    })());

  return {
    async publish(channel, payload) {
      await sql`select pg_notify(${channelName(channel)}, ${payload})`.execute(db);
    },
    subscribe(channel, listener) {
      events.on(channel, listener);
      void connect().catch(() => undefined);
      return () => events.off(channel, listener);
    },
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      events.removeAllListeners();
      const c = client;
      client = null;
      await c?.end().catch(() => undefined);
    },
  };
}
