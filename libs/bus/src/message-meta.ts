import type { Context } from '@opentelemetry/api';
import type { JsMsg } from '@nats-io/jetstream';
import type { MsgHdrs } from '@nats-io/transport-node';
import type { RawMessage } from './raw-message.js';
import { traceContextFromHeaders } from './trace-headers.js';

/** What a JetStream handler learns about a message besides its payload. */
export interface MessageMeta {
  /** Stream sequence: a stable id for idempotent processing. */
  readonly seq: number;
  /** 1 on first delivery, more on redelivery. */
  readonly deliveryCount: number;
  readonly subject: string;
  readonly headers: MsgHdrs | undefined;
  /** When the stream stored it, ms since epoch. */
  readonly timestampMs: number;
  /** The publisher's trace context. */
  readonly traceContext: Context;
}

export function metaOf(msg: JsMsg): MessageMeta {
  const headers = msg.headers;
  return {
    seq: msg.seq,
    deliveryCount: msg.info.deliveryCount,
    subject: msg.subject,
    headers,
    timestampMs: Number(msg.timestampNanos / 1_000_000n),
    traceContext: traceContextFromHeaders(headers),
  };
}

export function rawOf(msg: JsMsg): RawMessage {
  return {
    subject: msg.subject,
    data: msg.data,
    headers: msg.headers,
    seq: msg.seq,
    deliveryCount: msg.info.deliveryCount,
  };
}
