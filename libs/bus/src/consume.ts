import { context } from '@opentelemetry/api';
import type { ConsumerMessages, JetStreamClient, JsMsg } from '@nats-io/jetstream';
import type { BusLogger } from './bus-logger.js';
import { describeError, silentLogger } from './bus-logger.js';
import { decodeWith } from './decode-message.js';
import type { MessageMeta } from './message-meta.js';
import { metaOf } from './message-meta.js';
import type { OnMalformed } from './park-malformed.js';
import { parkMalformed } from './park-malformed.js';
import type { BusSchema } from './schema.js';

export interface ConsumeOptions<T> {
  readonly schema: BusSchema<T>;
  /**
   * Processes one message; it runs inside the publisher's trace context. Resolve to ack.
   * Throw to have it redelivered after `nakDelayMs` (use this for transient failures).
   * Messages of one consumer are handled one at a time, in stream order.
   */
  readonly handler: (value: T, meta: MessageMeta) => Promise<void>;
  /** Messages pulled ahead of processing. Default 64. */
  readonly maxMessages?: number;
  /** Redelivery delay after a failure. Default 1 s. */
  readonly nakDelayMs?: number;
  /** Parks a message that fails decoding; it is then terminated (never redelivered). */
  readonly onMalformed?: OnMalformed;
  readonly logger?: BusLogger;
}

export interface ConsumeStats {
  readonly acked: number;
  readonly failed: number;
  readonly malformed: number;
}

export interface ConsumerHandle {
  /** Stops pulling, lets the message in hand finish, then resolves. */
  stop(): Promise<void>;
  /** Resolves when the consumer has stopped (by `stop` or because the connection closed). */
  readonly done: Promise<void>;
  stats(): ConsumeStats;
}

// 64: enough to hide the pull round trip, small enough that a crashed consumer leaves little
// to be redelivered after ack_wait.
const DEFAULT_MAX_MESSAGES = 64;
// 1 s: a transient failure (database restart) gets time to clear without stalling the stream.
export const DEFAULT_NAK_DELAY_MS = 1_000;

/**
 * Runs `handler` over a durable pull consumer (see `ensureConsumer`): ack on success, nak
 * with a delay on a throw, and malformed messages go to `onMalformed` and are terminated so
 * they never block the stream.
 */
export async function consume<T>(
  js: JetStreamClient,
  stream: string,
  durable: string,
  options: ConsumeOptions<T>,
): Promise<ConsumerHandle> {
  const consumer = await js.consumers.get(stream, durable);
  const messages = await consumer.consume({
    max_messages: options.maxMessages ?? DEFAULT_MAX_MESSAGES,
  });
  return new MessageLoop(stream, durable, messages, options);
}

class MessageLoop<T> implements ConsumerHandle {
  readonly done: Promise<void>;
  readonly #messages: ConsumerMessages;
  readonly #options: ConsumeOptions<T>;
  readonly #logger: BusLogger;
  readonly #nakDelayMs: number;
  #acked = 0;
  #failed = 0;
  #malformed = 0;

  constructor(
    stream: string,
    durable: string,
    messages: ConsumerMessages,
    options: ConsumeOptions<T>,
  ) {
    this.#messages = messages;
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
    this.#nakDelayMs = options.nakDelayMs ?? DEFAULT_NAK_DELAY_MS;
    void watchConsumerStatus(messages, stream, durable, this.#logger);
    this.done = this.#run(stream, durable);
  }

  async stop(): Promise<void> {
    await this.#messages.close();
    await this.done;
  }

  stats(): ConsumeStats {
    return { acked: this.#acked, failed: this.#failed, malformed: this.#malformed };
  }

  async #run(stream: string, durable: string): Promise<void> {
    try {
      for await (const msg of this.#messages) await this.#process(msg);
    } catch (err) {
      this.#logger.error('consumer stopped', { stream, durable, error: describeError(err) });
    }
  }

  async #process(msg: JsMsg): Promise<void> {
    const decoded = decodeWith(this.#options.schema, msg.data);
    if (!decoded.ok) {
      this.#malformed++;
      await parkMalformed(
        msg,
        decoded.reason,
        this.#options.onMalformed,
        this.#logger,
        this.#nakDelayMs,
      );
      return;
    }
    const meta = metaOf(msg);
    try {
      await context.with(meta.traceContext, this.#options.handler, undefined, decoded.value, meta);
    } catch (err) {
      this.#failed++;
      this.#logger.warn('message handler failed; redelivering later', {
        subject: msg.subject,
        seq: msg.seq,
        deliveryCount: meta.deliveryCount,
        error: describeError(err),
      });
      msg.nak(this.#nakDelayMs);
      return;
    }
    msg.ack();
    this.#acked++;
  }
}

/** Logs consumer trouble the iterator itself does not surface (deleted consumer, lost heartbeats). */
export async function watchConsumerStatus(
  messages: { status(): AsyncIterable<{ type: string }> },
  stream: string,
  durable: string,
  logger: BusLogger,
): Promise<void> {
  try {
    for await (const s of messages.status()) {
      if (
        s.type === 'heartbeat' ||
        s.type === 'next' ||
        s.type === 'debug' ||
        s.type === 'discard'
      ) {
        continue;
      }
      logger.warn('consumer status', { stream, durable, status: s.type });
    }
  } catch {
    // The status stream ends with the consumer; nothing to report.
  }
}
