import { Kysely } from 'kysely';
import { PostgresJSDialect } from 'kysely-postgres-js';
import postgres from 'postgres';
import type { Database } from './schema/database.js';

export type CreateDbOptions = {
  /** postgres:// connection URL. Never logged: it may carry a password. */
  readonly url: string;
  /** Pool size (postgres.js `max`); postgres.js defaults to 10. */
  readonly max?: number;
  /**
   * Receives server NOTICE messages. Defaults to dropping them: the migrator's
   * `create ... if not exists` notices are noise, and postgres.js would print them to stdout.
   */
  readonly onnotice?: (notice: postgres.Notice) => void;
};

export type Db = {
  readonly db: Kysely<Database>;
  /** The underlying postgres.js pool, for the odd query kysely cannot express. */
  readonly sql: postgres.Sql;
  /** Closes the pool; in-flight queries finish first. */
  destroy(): Promise<void>;
};

/** int8 OID in pg_type. */
const INT8_OID = 20;

/**
 * Opens a postgres.js pool and a kysely instance over it.
 *
 * int8 is parsed to a JS number: ids are bigserial and token counters bigint, and all of them
 * stay far below 2^53, whereas strings or BigInts would leak into every caller. timestamptz
 * comes back as a Date (postgres.js default); numeric stays a string (no precision loss).
 */
export function createDb(options: CreateDbOptions): Db {
  const sql = postgres(options.url, {
    ...(options.max === undefined ? {} : { max: options.max }),
    onnotice: options.onnotice ?? (() => {}),
    types: {
      int8: {
        to: INT8_OID,
        from: [INT8_OID],
        serialize: (value: number | bigint | string) => String(value),
        parse: (value: string) => Number(value),
      },
    },
  });
  const db = new Kysely<Database>({ dialect: new PostgresJSDialect({ postgres: sql }) });
  let destroyed: Promise<void> | undefined;
  return {
    db,
    sql,
    // kysely ends the pool through its driver only if it ever opened a connection; ending the
    // pool again ourselves covers a Db that only used `sql` (postgres.js makes this idempotent).
    destroy: () => (destroyed ??= db.destroy().then(() => sql.end())),
  };
}
