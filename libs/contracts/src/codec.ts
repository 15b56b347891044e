import type { z } from 'zod';
import { MalformedMessageError, type MessageIssue } from './malformed-message-error.js';

const encoder = new TextEncoder();
// fatal: invalid UTF-8 is a malformed message, not a string full of U+FFFD.
const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses a NATS payload (bytes or text) as JSON and validates it against `schema`.
 * Returns the schema's output (defaults applied, unknown keys stripped); throws
 * MalformedMessageError on invalid UTF-8, invalid JSON or a schema mismatch.
 */
export function decodeMessage<S extends z.ZodType>(
  schema: S,
  data: Uint8Array | string,
): z.output<S> {
  let value: unknown;
  try {
    value = JSON.parse(typeof data === 'string' ? data : decoder.decode(data));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new MalformedMessageError(
      `malformed message: not valid JSON (${reason})`,
      [{ path: [], code: 'invalid_json', message: reason }],
      { cause: error },
    );
  }
  return validateMessage(schema, value);
}

/** Validates an already-parsed value; same errors as decodeMessage. */
export function validateMessage<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map(toMessageIssue);
  const summary = issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
  throw new MalformedMessageError(`malformed message: ${summary}`, issues, {
    cause: result.error,
  });
}

/**
 * Serialises a message as UTF-8 JSON. With a schema the value is validated (and defaults
 * applied) first, so a producer bug fails at the sender with MalformedMessageError instead of
 * being dropped by every receiver.
 */
export function encodeMessage<T>(value: T, schema?: z.ZodType): Uint8Array {
  const checked = schema === undefined ? value : validateMessage(schema, value);
  return encoder.encode(JSON.stringify(checked));
}

function toMessageIssue(issue: z.core.$ZodIssue): MessageIssue {
  return {
    path: issue.path.map((key) => (typeof key === 'number' ? key : String(key))),
    code: issue.code,
    message: issue.message,
  };
}
