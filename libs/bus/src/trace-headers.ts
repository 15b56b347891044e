import { context, propagation } from '@opentelemetry/api';
import type { Context, TextMapGetter, TextMapSetter } from '@opentelemetry/api';
import { headers as createHeaders, Match } from '@nats-io/transport-node';
import type { MsgHdrs } from '@nats-io/transport-node';

/** Extra headers as callers pass them. */
export type HeaderValues = Readonly<Record<string, string>>;

const setter: TextMapSetter<MsgHdrs> = {
  set: (carrier, key, value) => carrier.set(key, value),
};

// Case-insensitive reads: a non-JS publisher may canonicalise `traceparent` to `Traceparent`.
const getter: TextMapGetter<MsgHdrs> = {
  get: (carrier, key) =>
    carrier.has(key, Match.IgnoreCase) ? carrier.get(key, Match.IgnoreCase) : undefined,
  keys: (carrier) => carrier.keys(),
};

/** Carrier that only allocates NATS headers once something is written to it. */
interface LazyCarrier {
  h: MsgHdrs | undefined;
}

const lazySetter: TextMapSetter<LazyCarrier> = {
  set: (carrier, key, value) => {
    carrier.h ??= createHeaders();
    carrier.h.set(key, value);
  },
};

/**
 * NATS headers holding `extra` plus the active trace context (W3C `traceparent`/`tracestate`
 * with the default propagator). Always returns headers, even when empty.
 */
export function headersWithTrace(extra?: HeaderValues): MsgHdrs {
  return traceHeaders(extra) ?? createHeaders();
}

/**
 * Like `headersWithTrace` but returns undefined when there is nothing to send (no extra
 * headers and no active span), so untraced hot-path messages carry no header block at all.
 */
export function traceHeaders(extra?: HeaderValues): MsgHdrs | undefined {
  const carrier: LazyCarrier = { h: undefined };
  if (extra !== undefined) {
    for (const key in extra) lazySetter.set(carrier, key, extra[key]!);
  }
  propagation.inject(context.active(), carrier, lazySetter);
  return carrier.h;
}

/** The trace context carried by a message's headers, on top of `base` (the active context). */
export function traceContextFromHeaders(
  h: MsgHdrs | undefined,
  base: Context = context.active(),
): Context {
  return h === undefined ? base : propagation.extract(base, h, getter);
}

/** Writes the active trace context into existing headers (for callers that build their own). */
export function injectTrace(h: MsgHdrs): MsgHdrs {
  propagation.inject(context.active(), h, setter);
  return h;
}
