import { context } from '@opentelemetry/api';
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import type { BusLogger } from './bus-logger.js';
import { describeError, silentLogger } from './bus-logger.js';
import { decodeWith } from './decode-message.js';
import { InFlight } from './in-flight.js';
import type { BusMalformedMessageError } from './bus-errors.js';
import type { RawMessage } from './raw-message.js';
import type { RequestContext } from './serve.js';
import type { BusSchema } from './schema.js';
import { traceContextFromHeaders } from './trace-headers.js';

export interface SubscribeOptions<T> {
  /** Queue group; omit for fan-out (every subscriber gets every message). */
  readonly queue?: string;
  readonly schema: BusSchema<T>;
  /** Runs inside the publisher's trace context. A throw is logged and counted, never fatal. */
  readonly handler: (value: T, ctx: RequestContext) => void | Promise<void>;
  /** Called for a message that is not valid JSON or fails the schema (it is also counted). */
  readonly onMalformed?: (raw: RawMessage, reason: BusMalformedMessageError) => void;
  readonly logger?: BusLogger;
}

export interface SubscribeStats {
  readonly received: number;
  readonly malformed: number;
  readonly failed: number;
}

export interface SubscriptionHandle {
  readonly subject: string;
  stop(): void;
  /** Stops receiving and resolves when handlers of messages already received have finished. */
  drain(): Promise<void>;
  stats(): SubscribeStats;
}

/** Subscribes to core-NATS events (e.g. fan-out reports) with validation and trace context. */
export function subscribe<T>(
  nc: NatsConnection,
  subject: string,
  options: SubscribeOptions<T>,
): SubscriptionHandle {
  const logger = options.logger ?? silentLogger;
  const inFlight = new InFlight();
  const stats = { received: 0, malformed: 0, failed: 0 };
  const failed = (err: unknown) => {
    stats.failed++;
    logger.error('event handler failed', { subject, error: describeError(err) });
  };

  const onMessage = (msg: Msg) => {
    stats.received++;
    const decoded = decodeWith(options.schema, msg.data);
    if (!decoded.ok) {
      stats.malformed++;
      logger.warn('malformed event', { subject: msg.subject, reason: decoded.reason.message });
      const raw: RawMessage = { subject: msg.subject, data: msg.data, headers: msg.headers };
      try {
        options.onMalformed?.(raw, decoded.reason);
      } catch (err) {
        logger.error('onMalformed failed', { subject, error: describeError(err) });
      }
      return;
    }
    const traceContext = traceContextFromHeaders(msg.headers);
    const ctx: RequestContext = { subject: msg.subject, headers: msg.headers, traceContext };
    inFlight.enter();
    try {
      const result = context.with(traceContext, options.handler, undefined, decoded.value, ctx);
      if (result instanceof Promise) {
        result.then(
          () => inFlight.leave(),
          (err: unknown) => {
            failed(err);
            inFlight.leave();
          },
        );
        return;
      }
    } catch (err) {
      failed(err);
    }
    inFlight.leave();
  };

  const sub = nc.subscribe(subject, {
    queue: options.queue,
    callback: (err, msg) => {
      if (err) logger.error('subscription error', { subject, error: describeError(err) });
      else onMessage(msg);
    },
  });
  return new EventSubscription(subject, sub, inFlight, stats);
}

class EventSubscription implements SubscriptionHandle {
  readonly subject: string;
  readonly #sub: Subscription;
  readonly #inFlight: InFlight;
  readonly #stats: SubscribeStats;

  constructor(subject: string, sub: Subscription, inFlight: InFlight, stats: SubscribeStats) {
    this.subject = subject;
    this.#sub = sub;
    this.#inFlight = inFlight;
    this.#stats = stats;
  }

  stop(): void {
    if (!this.#sub.isClosed()) this.#sub.unsubscribe();
  }

  async drain(): Promise<void> {
    if (!this.#sub.isClosed() && !this.#sub.isDraining()) await this.#sub.drain();
    await this.#inFlight.idle();
  }

  stats(): SubscribeStats {
    return { ...this.#stats };
  }
}
