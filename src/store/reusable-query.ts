import type { Compilable, CompiledQuery, Kysely } from 'kysely';
import type { Database } from './database.js';

/**
 * A query built and compiled once, then run with new parameters: for the few queries every API
 * request makes, where building and compiling with Kysely cost about as much as executing.
 * `build` receives placeholder strings and must use each argument as one parameter; the first
 * run checks that the compiled parameters are exactly those placeholders, in argument order.
 */
export function reusableQuery<Row, N extends number>(db: Kysely<Database>, arity: N, build: (...args: string[]) => Compilable<Row>) {
  let compiled: CompiledQuery<Row> | null = null;
  return async (...args: string[] & { length: N }): Promise<Row[]> => {
    if (compiled === null) {
      const placeholders = Array.from({ length: arity }, (_, i) => `\u0000reusable-query-arg-${i}`);
      const candidate = build(...placeholders).compile();
      if (candidate.parameters.length !== arity || candidate.parameters.some((p, i) => p !== placeholders[i])) {
        throw new Error(`reusableQuery: the query does not use its ${arity} arguments once each, in order: ${candidate.sql}`);
      }
      compiled = candidate;
    }
    const { rows } = await db.executeQuery<Row>({ ...compiled, parameters: args });
    return rows;
  };
}
