import type { z } from 'zod';
import { AdminValidationError } from './admin-validation-error.js';

/**
 * Validates `value` against `schema`, throwing AdminValidationError naming each bad field.
 * Messages come from zod and describe the expected shape, never echo the value (a pasted
 * credential must not come back in an error body or a log line).
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  /** Path of `value` inside the request body, prefixed to each issue's path. */
  at: readonly string[] = [],
): z.output<S> {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  throw new AdminValidationError(
    parsed.error.issues.map((issue) => ({
      path: [...at, ...issue.path.map(String)].join('.'),
      message: issue.message,
    })),
    { cause: parsed.error },
  );
}

const ID = /^[1-9][0-9]{0,15}$/;

/** A path id (`/accounts/:id`): a positive integer, else 400 naming the parameter. */
export function parseId(value: unknown, name = 'id'): number {
  if (typeof value === 'string' && ID.test(value)) {
    const id = Number(value);
    if (Number.isSafeInteger(id)) return id;
  }
  throw new AdminValidationError([{ path: name, message: 'must be a positive integer' }]);
}
