import { errors } from '@nats-io/transport-node';
import type { Msg, NatsConnection } from '@nats-io/transport-node';
import {
  BusAbortedError,
  BusConnectionError,
  BusError,
  BusMalformedReplyError,
  BusNoRespondersError,
  BusRemoteError,
  BusTimeoutError,
} from './bus-errors.js';
import { decodeJson, encodeJson } from './json-codec.js';
import { asEnvelope } from './reply-envelope.js';
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
  const { signal } = options;
  if (signal?.aborted) throw new BusAbortedError(subject, { cause: signal.reason });
  let reply: Msg;
  try {
    const pending = nc.request(subject, encodeJson(payload), {
      timeout: options.timeoutMs,
      headers: traceHeaders(options.headers),
    });
    reply = await (signal === undefined ? pending : raceAbort(pending, signal, subject));
  } catch (err) {
    throw toBusError(err, subject, options.timeoutMs);
  }
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

/** Maps nats-core request failures to the bus's typed errors. */
export function toBusError(err: unknown, subject: string, timeoutMs: number): BusError {
  if (err instanceof BusError) return err;
  if (err instanceof errors.TimeoutError)
    return new BusTimeoutError(subject, timeoutMs, { cause: err });
  if (err instanceof errors.NoRespondersError)
    return new BusNoRespondersError(subject, { cause: err });
  if (err instanceof errors.RequestError) {
    // nats-core reports "no responders" as a RequestError whose cause is NoRespondersError.
    if (err.isNoResponders()) return new BusNoRespondersError(subject, { cause: err });
    if (err.cause instanceof errors.TimeoutError)
      return new BusTimeoutError(subject, timeoutMs, { cause: err });
  }
  if (
    err instanceof errors.ClosedConnectionError ||
    err instanceof errors.DrainingConnectionError
  ) {
    return new BusConnectionError(`connection closed during request on ${subject}`, { cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new BusError(`request on ${subject} failed: ${message}`, 'request_failed', true, {
    cause: err,
  });
}

function raceAbort<T>(pending: Promise<T>, signal: AbortSignal, subject: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    // The underlying request cannot be cancelled; it is cleaned up by its own timeout.
    const onAbort = () => reject(new BusAbortedError(subject, { cause: signal.reason }));
    signal.addEventListener('abort', onAbort, { once: true });
    pending.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}
