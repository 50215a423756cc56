import type { Kysely } from 'kysely';
import type { Database } from './database.js';

/** Values every process of one database shares. */
export interface SettingRepo {
  get(key: string): Promise<string | null>;
  /** The stored value, or `make()` stored first when there is none (the first process wins). */
  getOrCreate(key: string, make: () => string): Promise<string>;
  /** True for exactly one caller per key and database: the one that stored it first. */
  claimOnce(key: string, value: string): Promise<boolean>;
}

export function createSettingRepo(db: Kysely<Database>): SettingRepo {
  const claim = async (key: string, value: string) => {
    const r = await db
      .insertInto('settings')
      .values({ key, value })
      .onConflict((oc) => oc.column('key').doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  };
  const get = async (key: string) => (await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst())?.value ?? null;
  return {
    get,
    async getOrCreate(key, make) {
      await claim(key, make());
      const value = await get(key);
      if (value === null) throw new Error(`setting ${key} vanished`);
      return value;
    },
    claimOnce: claim,
  };
}
