import { Migrator, NO_MIGRATIONS } from 'kysely';
import type { Kysely, MigrationResultSet, Migration, MigrationProvider } from 'kysely';
import { MIGRATIONS } from './migrations/index.js';
import { MigrationError } from './migration-error.js';

const staticProvider: MigrationProvider = {
  getMigrations: async (): Promise<Record<string, Migration>> => ({ ...MIGRATIONS }),
};

// Migrations run against whatever schema the database has, not today's `Database` type, so
// they take an untyped Kysely (kysely's own Migrator signature).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyKysely = Kysely<any>;

/**
 * Concurrency: every service may call this at start-up at the same time. kysely's Migrator
 * (0.28, PostgresAdapter) reserves one connection, takes a session-level
 * `pg_advisory_lock` on it, and only then reads the applied migrations and runs the pending
 * ones in a single transaction; the bookkeeping tables are created with `if not exists` and a
 * re-check. So a second process waits on the lock, then finds nothing pending. The integration
 * test runs three migrators at once against an empty database to hold this true.
 */
function migrator(db: AnyKysely): Migrator {
  return new Migrator({ db, provider: staticProvider });
}

function unwrap(resultSet: MigrationResultSet, direction: 'up' | 'down'): string[] {
  const results = resultSet.results ?? [];
  if (resultSet.error !== undefined) {
    const failed = results.find((result) => result.status === 'Error');
    const migrationName = failed?.migrationName ?? null;
    const cause = resultSet.error;
    const reason = cause instanceof Error ? cause.message : String(cause);
    const where = migrationName === null ? 'before any migration ran' : `in ${migrationName}`;
    throw new MigrationError(
      `migration ${direction} failed ${where}: ${reason}`,
      { migrationName, direction },
      { cause },
    );
  }
  return results.filter((result) => result.status === 'Success').map((r) => r.migrationName);
}

/** Applies every pending migration; returns the names applied (empty when up to date). */
export async function migrateToLatest(db: AnyKysely): Promise<{ applied: string[] }> {
  return { applied: unwrap(await migrator(db).migrateToLatest(), 'up') };
}

/**
 * Reverts migrations newest first, down to (and keeping) `target`, or all of them when no
 * target is given. For tests and operator rollbacks; services never call it.
 */
export async function rollbackMigrations(
  db: AnyKysely,
  target?: string,
): Promise<{ reverted: string[] }> {
  return { reverted: unwrap(await migrator(db).migrateTo(target ?? NO_MIGRATIONS), 'down') };
}

/** Names of all registered migrations, in the order they apply. */
export function migrationNames(): string[] {
  return Object.keys(MIGRATIONS).sort();
}
