import { decodeJson } from './json-codec.js';
import { BusMalformedMessageError } from './bus-errors.js';
import type { BusSchema } from './schema.js';
import { describeSchemaError } from './schema.js';

/** Decoded value, or the reason the bytes are not a valid message. */
export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: BusMalformedMessageError };

/** JSON-decodes and validates message bytes without throwing. */
export function decodeWith<T>(schema: BusSchema<T>, data: Uint8Array): Decoded<T> {
  let payload: unknown;
  try {
    payload = decodeJson(data);
  } catch (err) {
    return {
      ok: false,
      reason: new BusMalformedMessageError('message is not valid JSON', { cause: err }),
    };
  }
  let parsed: ReturnType<BusSchema<T>['safeParse']>;
  try {
    parsed = schema.safeParse(payload);
  } catch (err) {
    // A schema that throws (a refinement bug) counts as a failed validation, not a crash.
    parsed = { success: false, error: err };
  }
  if (!parsed.success) {
    return {
      ok: false,
      reason: new BusMalformedMessageError(describeSchemaError(parsed.error), {
        cause: parsed.error,
      }),
    };
  }
  return { ok: true, value: parsed.data };
}
