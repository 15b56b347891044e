/** Replaces the value of every field that may hold a secret. */
export const REDACTED = '[redacted]';

// Matched against the key lower-cased without '-', '_' and spaces, at the end of the key so that
// `x-api-key`, `proxy-authorization`, `refresh_token`, `clientSecret` and `set-cookie` are caught
// while `input_tokens` or `bucketKey` (plain counters and ids worth logging) are not.
const SECRET_KEY =
  /(authorization|apikey|password|passwd|secrets?|secretkey|token|credentials?|credentialkey|encryptionkey|privatekey|cookie)$/;

/** Whether a field named `key` is redacted from logs, at any depth. */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key.toLowerCase().replace(/[-_\s]/g, ''));
}

// Deep enough for any sane log field; stops a huge object graph from turning into a huge line.
const MAX_DEPTH = 8;

function errorToLogValue(error: Error, seen: WeakSet<object>, depth: number): unknown {
  // Only the well-known fields: other properties of library errors (request options, response
  // bodies) are where credentials hide.
  const out: Record<string, unknown> = { name: error.name, message: error.message };
  const code: unknown = (error as { code?: unknown }).code;
  if (code !== undefined) out.code = toLogValue(code, seen, depth + 1);
  out.stack = error.stack;
  if (error.cause !== undefined) out.cause = toLogValue(error.cause, seen, depth + 1);
  return out;
}

function urlToLogValue(url: URL): string {
  if (url.password === '' && url.username === '') return url.href;
  const copy = new URL(url.href);
  copy.username = copy.username === '' ? '' : REDACTED;
  copy.password = copy.password === '' ? '' : REDACTED;
  return copy.href;
}

/**
 * Turns a log field into plain JSON: secrets redacted by key, errors reduced to name, message,
 * code, stack and cause, binary data reduced to its length, cycles and bigints made safe.
 */
export function toLogValue(
  value: unknown,
  seen: WeakSet<object> = new WeakSet(),
  depth = 0,
): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
    case 'undefined':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'bigint':
      return value.toString();
    case 'symbol':
      return value.toString();
    case 'function':
      return `[function ${value.name || 'anonymous'}]`;
  }
  if (value === null) return null;
  const object = value as object;
  if (seen.has(object)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[truncated]';
  seen.add(object);
  try {
    if (object instanceof Error) return errorToLogValue(object, seen, depth);
    if (object instanceof Date)
      return Number.isNaN(object.getTime()) ? 'Invalid Date' : object.toISOString();
    if (object instanceof URL) return urlToLogValue(object);
    // Raw bytes may be key material; their length is what helps debugging.
    if (ArrayBuffer.isView(object)) return `[${object.byteLength} bytes]`;
    if (object instanceof ArrayBuffer) return `[${object.byteLength} bytes]`;
    if (Array.isArray(object)) return object.map((item) => toLogValue(item, seen, depth + 1));
    if (object instanceof Set) return [...object].map((item) => toLogValue(item, seen, depth + 1));
    const entries = object instanceof Map ? [...object.entries()] : Object.entries(object);
    const out: Record<string, unknown> = {};
    for (const [key, item] of entries) {
      const name = String(key);
      out[name] = isSecretKey(name) ? REDACTED : toLogValue(item, seen, depth + 1);
    }
    return out;
  } finally {
    // Only ancestors count as cycles; the same object twice side by side is logged twice.
    seen.delete(object);
  }
}
