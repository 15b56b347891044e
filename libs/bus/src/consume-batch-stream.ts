import type { ConsumerMessages, JetStreamClient, JsMsg } from '@nats-io/jetstream';
import type { BusLogger } from './bus-logger.js';
import { describeError, silentLogger } from './bus-logger.js';
import type { ConsumeStats, ConsumerHandle } from './consume.js';
import { DEFAULT_NAK_DELAY_MS, watchConsumerStatus } from './consume.js';
import type { BatchItem } from './consume-batches.js';
import { decodeWith } from './decode-message.js';
import type { MessageMeta } from './message-meta.js';
import { metaOf } from './message-meta.js';
import type { OnMalformed } from './park-malformed.js';
import { parkMalformed } from './park-malformed.js';
import type { BusSchema } from './schema.js';

export interface ConsumeBatchStreamOptions<T> {
  readonly schema: BusSchema<T>;
  /** A batch is handed over as soon as it holds this many messages. */
  readonly batchSize: number;
  /** ...or this long after its first message arrived, whichever comes first (any value > 0). */
  readonly maxWaitMs: number;
  /**
   * Batches being handled at once. Default 2: while one batch is written the next one fills
   * and can start, so the consumer is never idle waiting for a round trip.
   */
  readonly maxInFlight?: number;
  /**
   * Processes a whole batch (e.g. one multi-row insert). Resolve to ack every message of the
   * batch; throw to have all of them redelivered after `nakDelayMs`. Must be idempotent:
   * a crash between the handler's commit and the acks redelivers the batch.
   */
  readonly handler: (items: BatchItem<T>[]) => Promise<void>;
  readonly nakDelayMs?: number;
  /** Parks a message that fails decoding; it is then terminated (never redelivered). */
  readonly onMalformed?: OnMalformed;
  readonly logger?: BusLogger;
}

type Batch<T> = { items: BatchItem<T>[]; msgs: JsMsg[] };

/**
 * Like `consumeBatches`, but for a steady stream of small events: messages arrive through one
 * continuous pull (no fetch round trip, and no one-second floor on the wait) and are cut into
 * batches by size or age, several of which may be in the handler at once. Each message is
 * acked only after the handler for its batch resolved. Backpressure comes from the consumer's
 * `max_ack_pending`: the server stops delivering while that many messages are unacked, so size
 * it to about `batchSize * maxInFlight * 2`.
 */
export async function consumeBatchStream<T>(
  js: JetStreamClient,
  stream: string,
  durable: string,
  options: ConsumeBatchStreamOptions<T>,
): Promise<ConsumerHandle> {
  const consumer = await js.consumers.get(stream, durable);
  const loop = new BatchStream(options);
  const messages = await consumer.consume({
    max_messages: options.batchSize * (options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT),
    callback: (msg) => loop.accept(msg),
  });
  loop.attach(messages, stream, durable);
  return loop;
}

const DEFAULT_MAX_IN_FLIGHT = 2;

class BatchStream<T> implements ConsumerHandle {
  readonly #options: ConsumeBatchStreamOptions<T>;
  readonly #logger: BusLogger;
  readonly #nakDelayMs: number;
  readonly #maxInFlight: number;
  #messages: ConsumerMessages | undefined;
  #filling: Batch<T> = { items: [], msgs: [] };
  #timer: NodeJS.Timeout | undefined;
  readonly #queue: Batch<T>[] = [];
  #inFlight = 0;
  readonly #parking = new Set<Promise<void>>();
  #idleWaiters: (() => void)[] = [];
  #acked = 0;
  #failed = 0;
  #malformed = 0;
  #resolveDone!: () => void;
  readonly done = new Promise<void>((resolve) => (this.#resolveDone = resolve));

  constructor(options: ConsumeBatchStreamOptions<T>) {
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
    this.#nakDelayMs = options.nakDelayMs ?? DEFAULT_NAK_DELAY_MS;
    this.#maxInFlight = Math.max(1, options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT);
  }

  attach(messages: ConsumerMessages, stream: string, durable: string): void {
    this.#messages = messages;
    void watchConsumerStatus(messages, stream, durable, this.#logger);
    // The pull ends when stop() closes it or the connection goes away: hand over what is in
    // hand (acking it now beats waiting ack_wait for its redelivery), then we are done.
    void messages.closed().then(
      (err) => {
        if (err)
          this.#logger.error('consumer stopped', { stream, durable, error: describeError(err) });
        return this.#finish();
      },
      (err: unknown) => {
        this.#logger.error('consumer stopped', { stream, durable, error: describeError(err) });
        return this.#finish();
      },
    );
  }

  accept(msg: JsMsg): void {
    const decoded = decodeWith(this.#options.schema, msg.data);
    if (!decoded.ok) {
      this.#malformed++;
      const parking = parkMalformed(
        msg,
        decoded.reason,
        this.#options.onMalformed,
        this.#logger,
        this.#nakDelayMs,
      ).finally(() => {
        this.#parking.delete(parking);
        this.#notifyIdle();
      });
      this.#parking.add(parking);
      return;
    }
    const batch = this.#filling;
    // Meta (trace context from headers, timestamps) is built only if the handler reads it:
    // a batch writer usually does not, and at tens of thousands of events a second it shows.
    let meta: MessageMeta | undefined;
    batch.items.push({
      value: decoded.value,
      get meta() {
        return (meta ??= metaOf(msg));
      },
    });
    batch.msgs.push(msg);
    if (batch.items.length >= this.#options.batchSize) this.#seal();
    else if (batch.items.length === 1) {
      this.#timer = setTimeout(() => this.#seal(), this.#options.maxWaitMs);
    }
  }

  async stop(): Promise<void> {
    await this.#messages?.close();
    await this.done;
  }

  stats(): ConsumeStats {
    return { acked: this.#acked, failed: this.#failed, malformed: this.#malformed };
  }

  async #finish(): Promise<void> {
    this.#seal();
    while (this.#inFlight > 0 || this.#queue.length > 0 || this.#parking.size > 0) {
      await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
    }
    this.#resolveDone();
  }

  #seal(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#filling.items.length === 0) return;
    this.#queue.push(this.#filling);
    this.#filling = { items: [], msgs: [] };
    this.#pump();
  }

  #pump(): void {
    while (this.#inFlight < this.#maxInFlight && this.#queue.length > 0) {
      const batch = this.#queue.shift()!;
      this.#inFlight++;
      void this.#handle(batch).finally(() => {
        this.#inFlight--;
        this.#pump();
        this.#notifyIdle();
      });
    }
  }

  async #handle(batch: Batch<T>): Promise<void> {
    try {
      await this.#options.handler(batch.items);
    } catch (err) {
      this.#failed += batch.msgs.length;
      this.#logger.warn('batch handler failed; redelivering later', {
        size: batch.msgs.length,
        error: describeError(err),
      });
      for (const msg of batch.msgs) msg.nak(this.#nakDelayMs);
      return;
    }
    for (const msg of batch.msgs) msg.ack();
    this.#acked += batch.msgs.length;
  }

  #notifyIdle(): void {
    if (this.#inFlight > 0 || this.#queue.length > 0 || this.#parking.size > 0) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
