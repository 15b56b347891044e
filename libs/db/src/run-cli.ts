import { createDb } from './create-db.js';
import { migrateToLatest } from './migrate.js';
import { MigrationError } from './migration-error.js';

export type CliOutput = {
  /** One JSON line on success (stdout). */
  out(line: string): void;
  /** One JSON line on failure (stderr). */
  err(line: string): void;
};

const USAGE = 'usage: db migrate   (migrates the database at DATABASE_URL)';

/**
 * The `db` command line, minus process plumbing (see cli.ts). Returns the exit code:
 * 0 done, 1 migration failed, 2 bad invocation. Never prints the URL, which may hold a password.
 */
export async function runDbCli(
  args: readonly string[],
  databaseUrl: string | undefined,
  output: CliOutput,
): Promise<number> {
  const [command, ...rest] = args;
  if (command !== 'migrate' || rest.length > 0) {
    output.err(JSON.stringify({ event: 'db.cli_error', message: USAGE }));
    return 2;
  }
  if (databaseUrl === undefined || databaseUrl.trim() === '') {
    output.err(JSON.stringify({ event: 'db.cli_error', message: 'DATABASE_URL is not set' }));
    return 2;
  }
  // Two connections: the migrator pins one for its advisory lock; bookkeeping uses the other.
  const handle = createDb({ url: databaseUrl, max: 2 });
  try {
    const { applied } = await migrateToLatest(handle.db);
    output.out(JSON.stringify({ event: 'db.migrated', applied }));
    return 0;
  } catch (error) {
    if (!(error instanceof MigrationError)) throw error;
    output.err(
      JSON.stringify({
        event: 'db.migration_failed',
        code: error.code,
        migration: error.migrationName,
        message: error.message,
      }),
    );
    return 1;
  } finally {
    await handle.destroy();
  }
}
