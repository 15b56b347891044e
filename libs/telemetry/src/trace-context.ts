import type { Context, TextMapGetter, TextMapSetter } from '@opentelemetry/api';
import {
  context,
  defaultTextMapGetter,
  defaultTextMapSetter,
  propagation,
} from '@opentelemetry/api';

export interface InjectOptions<C> {
  /** The context to inject; the active one by default. */
  readonly context?: Context;
  /** How to write a header into the carrier; plain `carrier[key] = value` by default. */
  readonly setter?: TextMapSetter<C>;
}

export interface ExtractOptions<C> {
  /** The context to extend; the active one by default. */
  readonly context?: Context;
  /** How to read headers from the carrier; plain `carrier[key]` by default. */
  readonly getter?: TextMapGetter<C>;
}

/**
 * Writes the trace context (`traceparent`, `tracestate`) of the active span into `carrier`, e.g.
 * the headers of an outgoing NATS message or HTTP request. Returns the carrier.
 */
export function injectTraceContext<C = Record<string, string>>(
  carrier: C,
  options: InjectOptions<C> = {},
): C {
  const setter: TextMapSetter<C> = options.setter ?? defaultTextMapSetter;
  propagation.inject(options.context ?? context.active(), carrier, setter);
  return carrier;
}

/**
 * Reads a trace context from `carrier` (headers of an incoming message) and returns a context
 * whose spans become children of the remote span: `context.with(extractTraceContext(h), fn)`.
 */
export function extractTraceContext<C = Readonly<Record<string, string | string[] | undefined>>>(
  carrier: C,
  options: ExtractOptions<C> = {},
): Context {
  const getter: TextMapGetter<C> = options.getter ?? defaultTextMapGetter;
  return propagation.extract(options.context ?? context.active(), carrier, getter);
}
