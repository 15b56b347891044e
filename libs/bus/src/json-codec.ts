// One encoder/decoder pair for the process: they are stateless, and reusing them keeps the
// hot path free of per-message allocations beyond the payload itself.
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** JSON bytes of a value; `undefined` becomes `null` so the receiver always gets valid JSON. */
export function encodeJson(value: unknown): Uint8Array {
  return encoder.encode(value === undefined ? 'null' : JSON.stringify(value));
}

/** UTF-8 bytes of an already serialised string. */
export function encodeText(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Parses JSON bytes; throws SyntaxError on bad JSON (callers map it to their own error). */
export function decodeJson(data: Uint8Array): unknown {
  return JSON.parse(decoder.decode(data));
}

/** The bytes as text, for logs and dead-letter records. */
export function decodeText(data: Uint8Array): string {
  return decoder.decode(data);
}
