export const MIGRATION_ERROR_CODE = 'DB_MIGRATION_FAILED' as const;

/**
 * A migration run failed. kysely runs the whole batch in one transaction, so nothing of the
 * batch was applied. `migrationName` names the migration that failed, or is null when the run
 * failed before any migration (connection, lock, bookkeeping tables).
 */
export class MigrationError extends Error {
  override readonly name = 'MigrationError';
  readonly code = MIGRATION_ERROR_CODE;
  /** A schema error will fail again; the caller decides whether a connection error is worth a retry. */
  readonly retryable = false;
  readonly migrationName: string | null;
  readonly direction: 'up' | 'down';

  constructor(
    message: string,
    details: { migrationName: string | null; direction: 'up' | 'down' },
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.migrationName = details.migrationName;
    this.direction = details.direction;
  }
}
