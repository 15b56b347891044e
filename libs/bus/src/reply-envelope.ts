import type { RemoteErrorBody } from './bus-errors.js';
import { encodeText } from './json-codec.js';

/**
 * Every RPC reply is an envelope, so a responder can say "no" without the requester having to
 * guess from a timeout: `{ ok: true, data }` or `{ ok: false, error: { code, message, retryable } }`.
 * This matches the envelope declared in @switchyard/contracts.
 */
export type ReplyEnvelope<T> = { ok: true; data: T } | { ok: false; error: RemoteErrorBody };

/** Serialised ok envelope. Built by concatenation: no wrapper object per reply. */
export function encodeOkReply(data: unknown): Uint8Array {
  const json = data === undefined ? 'null' : JSON.stringify(data);
  return encodeText('{"ok":true,"data":' + json + '}');
}

/** Serialised error envelope. */
export function encodeErrorReply(code: string, message: string, retryable: boolean): Uint8Array {
  return encodeText(JSON.stringify({ ok: false, error: { code, message, retryable } }));
}

/** Narrows a parsed JSON value to an envelope, or returns a reason why it is not one. */
export function asEnvelope(value: unknown): ReplyEnvelope<unknown> | string {
  if (typeof value !== 'object' || value === null) return 'not an object';
  const env = value as { ok?: unknown; data?: unknown; error?: unknown };
  if (env.ok === true) return { ok: true, data: env.data };
  if (env.ok !== false) return 'missing ok flag';
  const err = env.error as { code?: unknown; message?: unknown; retryable?: unknown } | null;
  if (typeof err !== 'object' || err === null) return 'error reply without error';
  if (
    typeof err.code !== 'string' ||
    typeof err.message !== 'string' ||
    typeof err.retryable !== 'boolean'
  ) {
    return 'error reply without code, message and retryable';
  }
  return { ok: false, error: { code: err.code, message: err.message, retryable: err.retryable } };
}
