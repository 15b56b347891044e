import { GatewayError } from '../errors/index.js';

/** SQLSTATE codes (https://www.postgresql.org/docs/current/errcodes-appendix.html). */
const UNIQUE_VIOLATION = '23505';
const FOREIGN_KEY_VIOLATION = '23503';
const CHECK_VIOLATION = '23514';

function sqlState(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * A constraint violation as the admin error it stands for (a taken name → 409, a missing
 * referenced row → 400); any other error unchanged. Messages name the kind of clash, never the
 * row's values.
 */
export function translateDbError(err: unknown): unknown {
  switch (sqlState(err)) {
    case UNIQUE_VIOLATION:
      return new GatewayError('conflict', 'A record with this name already exists.', {
        cause: err,
      });
    case FOREIGN_KEY_VIOLATION:
      return new GatewayError(
        'invalid_request',
        'The request refers to a record that does not exist.',
        {
          cause: err,
        },
      );
    case CHECK_VIOLATION:
      return new GatewayError('invalid_request', 'A value is outside what the database accepts.', {
        cause: err,
      });
    default:
      return err;
  }
}
