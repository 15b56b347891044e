import type { NatsConnection } from '@nats-io/transport-node';
import { BusConnectionError } from './bus-errors.js';
import { encodeJson } from './json-codec.js';
import type { HeaderValues } from './trace-headers.js';
import { traceHeaders } from './trace-headers.js';

export interface PublishOptions {
  /** Extra headers; the active trace context is added to them. */
  readonly headers?: HeaderValues;
}

/**
 * Core (at-most-once) publish of `payload` as JSON, with the active trace context. For events
 * that must not be lost use `publishDurable`.
 */
export function publish(
  nc: NatsConnection,
  subject: string,
  payload: unknown,
  options: PublishOptions = {},
): void {
  try {
    nc.publish(subject, encodeJson(payload), { headers: traceHeaders(options.headers) });
  } catch (err) {
    throw new BusConnectionError(`cannot publish on ${subject}`, { cause: err });
  }
}
