import type { Context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';

/**
 * OpenTelemetry's AsyncLocalStorage context manager, except that `with(ctx, fn)` for the context
 * that is already active just calls `fn`.
 *
 * Why: on Node 20 the first `AsyncLocalStorage.run` turns on async hooks for the rest of the
 * process, and from then on every promise and callback pays for context propagation (measured
 * ~40 µs of CPU per gateway request). The bus enters a message's trace context for every
 * handler, and a message without trace headers yields the active context unchanged — so a
 * service that never sees a trace (no spans, no `traceparent`) would still pay for it from its
 * first NATS event on. Running `fn` directly is the same thing when nothing changes: `fn` and
 * everything it schedules see the same active context either way. The hooks come on with the
 * first real context change, as before.
 *
 * (The one difference: an experimental `context.attach()` inside such an `fn` is not scoped to
 * it. Nothing here uses `attach`; use `with` for scoped changes.)
 */
export class LazyContextManager extends AsyncLocalStorageContextManager {
  override with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    context: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    if (context === this.active()) {
      return thisArg === undefined || thisArg === null ? fn(...args) : fn.apply(thisArg, args);
    }
    return super.with(context, fn, thisArg, ...args);
  }
}
