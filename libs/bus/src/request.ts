import type { Msg, NatsConnection } from '@nats-io/transport-node';
import { BusMalformedReplyError, BusRemoteError } from './bus-errors.js';
import { decodeJson, encodeJson } from './json-codec.js';
import { asEnvelope } from './reply-envelope.js';
import { replyInbox } from './reply-inbox.js';
import type { BusSchema } from './schema.js';
import { describeSchemaError } from './schema.js';
import type { HeaderValues } from './trace-headers.js';
import { traceHeaders } from './trace-headers.js';

export interface RequestOptions<T> {
  readonly timeoutMs: number;
  /** Validates the reply's `data`; without it the data is returned unchecked. */
  readonly replySchema?: BusSchema<T>;
  /** Extra headers; the active trace context is added to them. */
  readonly headers?: HeaderValues;
  /** Gives up early (the client went away); rejects with BusAbortedError. */
  readonly signal?: AbortSignal;
}

/**
 * Sends `payload` as JSON to `subject` and resolves the `data` of the responder's ok envelope.
 * Rejects with BusTimeoutError, BusNoRespondersError, BusRemoteError (the responder's error
 * reply), BusMalformedReplyError, BusAbortedError or BusConnectionError.
 */
export async function request<T = unknown>(
  nc: NatsConnection,
  subject: string,
  payload: unknown,
  options: RequestOptions<T>,
): Promise<T> {
  const reply = await replyInbox(nc).request({
    subject,
    data: encodeJson(payload),
    headers: traceHeaders(options.headers),
    timeoutMs: options.timeoutMs,
    signal: options.signal,
  });
  return readReply(reply, subject, options.replySchema);
}

function readReply<T>(reply: Msg, subject: string, schema: BusSchema<T> | undefined): T {
  let parsed: unknown;
  try {
    parsed = decodeJson(reply.data);
  } catch (err) {
    throw new BusMalformedReplyError(subject, 'not JSON', { cause: err });
  }
  const envelope = asEnvelope(parsed);
  if (typeof envelope === 'string') throw new BusMalformedReplyError(subject, envelope);
  if (!envelope.ok) throw new BusRemoteError(subject, envelope.error);
  if (schema === undefined) return envelope.data as T;
  const result = schema.safeParse(envelope.data);
  if (!result.success) {
    throw new BusMalformedReplyError(subject, describeSchemaError(result.error), {
      cause: result.error,
    });
  }
  return result.data;
}
