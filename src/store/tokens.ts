import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import { fromFlag, nowIso } from './codec.js';
import type { Database } from './database.js';

export interface TokenListItem {
  id: string;
  name: string;
  /** The first characters of the token, for telling tokens apart; never enough to use it. */
  prefix: string;
  created: string;
  lastUsed: string | null;
  revoked: boolean;
}

export interface TokenRepo {
  /** Stores a new token (random 40 hex chars unless `plaintext` is given) and returns it once. */
  create(projectId: string, name: string, plaintext?: string): Promise<{ id: string; token: string }>;
  /** The project the token belongs to, or null for unknown and revoked tokens. */
  findProject(token: string): Promise<string | null>;
  list(projectId: string): Promise<TokenListItem[]>;
  revoke(projectId: string, id: string): Promise<boolean>;
  /**
   * Makes sure `plaintext` is a working token of the project (for BUGRUN_TOKEN): creates it when
   * missing and un-revokes it, since the operator's configuration says it must work. Throws when
   * the token belongs to another project.
   */
  ensure(projectId: string, name: string, plaintext: string): Promise<{ id: string; created: boolean }>;
}

const PREFIX_LENGTH = 8;
/** last_used is informational; writing it on every request would serialise readers on SQLite. */
const LAST_USED_RESOLUTION_MS = 60_000;

function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function createTokenRepo(db: Kysely<Database>): TokenRepo {
  return {
    async create(projectId, name, plaintext) {
      const token = plaintext ?? randomBytes(20).toString('hex');
      if (token.length === 0) throw new RangeError('a token must not be empty');
      const id = randomUUID();
      await db
        .insertInto('api_tokens')
        .values({
          id,
          project_id: projectId,
          name,
          token_hash: hashToken(token),
          prefix: token.slice(0, PREFIX_LENGTH),
          created: nowIso(),
          last_used: null,
          revoked: 0,
        })
        .execute();
      return { id, token };
    },

    async findProject(token) {
      if (token.length === 0) return null;
      const hash = hashToken(token);
      const row = await db
        .selectFrom('api_tokens')
        .select(['id', 'project_id', 'token_hash', 'last_used', 'revoked'])
        .where('token_hash', '=', hash)
        .executeTakeFirst();
      if (!row || fromFlag(row.revoked)) return null;
      // The index lookup already matched; comparing again in constant time keeps the final
      // decision free of early-exit string comparison whatever the database does.
      const expected = Buffer.from(row.token_hash, 'hex');
      const actual = Buffer.from(hash, 'hex');
      if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return null;
      const now = Date.now();
      if (row.last_used === null || now - Date.parse(row.last_used) >= LAST_USED_RESOLUTION_MS) {
        await db
          .updateTable('api_tokens')
          .set({ last_used: new Date(now).toISOString() })
          .where('id', '=', row.id)
          .execute();
      }
      return row.project_id;
    },

    async list(projectId) {
      const rows = await db
        .selectFrom('api_tokens')
        .select(['id', 'name', 'prefix', 'created', 'last_used', 'revoked'])
        .where('project_id', '=', projectId)
        .orderBy('created', 'asc')
        .orderBy('id', 'asc')
        .execute();
      return rows.map((r) => ({
        id: r.id,
        name: r.name,
        prefix: r.prefix,
        created: r.created,
        lastUsed: r.last_used,
        revoked: fromFlag(r.revoked),
      }));
    },

    async revoke(projectId, id) {
      const result = await db
        .updateTable('api_tokens')
        .set({ revoked: 1 })
        .where('project_id', '=', projectId)
        .where('id', '=', id)
        .where('revoked', '=', 0)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async ensure(projectId, name, plaintext) {
      if (plaintext.length === 0) throw new RangeError('a token must not be empty');
      const hash = hashToken(plaintext);
      // ON CONFLICT DO NOTHING: two processes starting at once both end up with the one row.
      const inserted = await db
        .insertInto('api_tokens')
        .values({
          id: randomUUID(),
          project_id: projectId,
          name,
          token_hash: hash,
          prefix: plaintext.slice(0, PREFIX_LENGTH),
          created: nowIso(),
          last_used: null,
          revoked: 0,
        })
        .onConflict((oc) => oc.column('token_hash').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (inserted) return { id: inserted.id, created: true };
      const existing = await db.selectFrom('api_tokens').select(['id', 'project_id', 'revoked']).where('token_hash', '=', hash).executeTakeFirstOrThrow();
      if (existing.project_id !== projectId) throw new Error('this token already belongs to another project');
      if (fromFlag(existing.revoked)) {
        await db.updateTable('api_tokens').set({ revoked: 0 }).where('id', '=', existing.id).execute();
      }
      return { id: existing.id, created: false };
    },
  };
}
