import type { ConsumerMessages, JetStreamClient, JsMsg } from '@nats-io/jetstream';
import type { BusLogger } from './bus-logger.js';
import { describeError, silentLogger } from './bus-logger.js';
import type { ConsumeStats, ConsumerHandle } from './consume.js';
import { DEFAULT_NAK_DELAY_MS } from './consume.js';
import { decodeWith } from './decode-message.js';
import type { MessageMeta } from './message-meta.js';
import { metaOf } from './message-meta.js';
import type { OnMalformed } from './park-malformed.js';
import { parkMalformed } from './park-malformed.js';
import type { BusSchema } from './schema.js';

/** One decoded message of a batch. */
export interface BatchItem<T> {
  readonly value: T;
  readonly meta: MessageMeta;
}

export interface ConsumeBatchesOptions<T> {
  readonly schema: BusSchema<T>;
  /** Most messages per batch. */
  readonly batchSize: number;
  /**
   * Longest wait for a batch to fill; a partial batch is handed over after it. The client
   * needs at least 1000 ms, smaller values are raised to that.
   */
  readonly maxWaitMs: number;
  /**
   * Processes a whole batch (e.g. one multi-row insert). Resolve to ack every message of the
   * batch; throw to have all of them redelivered after `nakDelayMs`.
   */
  readonly handler: (items: BatchItem<T>[]) => Promise<void>;
  readonly nakDelayMs?: number;
  /** Parks a message that fails decoding; it is then terminated (never redelivered). */
  readonly onMalformed?: OnMalformed;
  readonly logger?: BusLogger;
}

// nats.js refuses pull requests that expire in under a second.
const MIN_FETCH_WAIT_MS = 1_000;
// After a failed fetch (consumer missing, connection down) wait before asking again.
const FETCH_RETRY_MS = 1_000;

/**
 * Pulls batches from a durable consumer and hands each to `handler`; acks them only after the
 * handler resolved (so a crash before commit redelivers the batch). Malformed messages are
 * parked and terminated individually and never reach the handler.
 */
export async function consumeBatches<T>(
  js: JetStreamClient,
  stream: string,
  durable: string,
  options: ConsumeBatchesOptions<T>,
): Promise<ConsumerHandle> {
  const consumer = await js.consumers.get(stream, durable);
  const fetch = () =>
    consumer.fetch({
      max_messages: options.batchSize,
      expires: Math.max(options.maxWaitMs, MIN_FETCH_WAIT_MS),
    });
  return new BatchLoop(stream, durable, fetch, options);
}

class BatchLoop<T> implements ConsumerHandle {
  readonly done: Promise<void>;
  readonly #options: ConsumeBatchesOptions<T>;
  readonly #logger: BusLogger;
  readonly #nakDelayMs: number;
  #stopping = false;
  #current: ConsumerMessages | undefined;
  #wake: (() => void) | undefined;
  #acked = 0;
  #failed = 0;
  #malformed = 0;

  constructor(
    stream: string,
    durable: string,
    fetch: () => Promise<ConsumerMessages>,
    options: ConsumeBatchesOptions<T>,
  ) {
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
    this.#nakDelayMs = options.nakDelayMs ?? DEFAULT_NAK_DELAY_MS;
    this.done = this.#run(stream, durable, fetch);
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    this.#wake?.();
    await this.#current?.close();
    await this.done;
  }

  stats(): ConsumeStats {
    return { acked: this.#acked, failed: this.#failed, malformed: this.#malformed };
  }

  async #run(
    stream: string,
    durable: string,
    fetch: () => Promise<ConsumerMessages>,
  ): Promise<void> {
    while (!this.#stopping) {
      const msgs: JsMsg[] = [];
      try {
        this.#current = await fetch();
        if (this.#stopping) await this.#current.close();
        for await (const msg of this.#current) msgs.push(msg);
      } catch (err) {
        this.#logger.warn('batch fetch failed', { stream, durable, error: describeError(err) });
        if (msgs.length === 0) await this.#pause(FETCH_RETRY_MS);
      } finally {
        this.#current = undefined;
      }
      // Messages already in hand are processed even when stopping: acking them now beats
      // waiting ack_wait for their redelivery.
      if (msgs.length > 0) await this.#process(msgs);
    }
  }

  async #process(msgs: JsMsg[]): Promise<void> {
    const items: BatchItem<T>[] = [];
    const accepted: JsMsg[] = [];
    for (const msg of msgs) {
      const decoded = decodeWith(this.#options.schema, msg.data);
      if (decoded.ok) {
        items.push({ value: decoded.value, meta: metaOf(msg) });
        accepted.push(msg);
      } else {
        this.#malformed++;
        await parkMalformed(
          msg,
          decoded.reason,
          this.#options.onMalformed,
          this.#logger,
          this.#nakDelayMs,
        );
      }
    }
    if (items.length === 0) return;
    try {
      await this.#options.handler(items);
    } catch (err) {
      this.#failed += accepted.length;
      this.#logger.warn('batch handler failed; redelivering later', {
        size: accepted.length,
        error: describeError(err),
      });
      for (const msg of accepted) msg.nak(this.#nakDelayMs);
      return;
    }
    for (const msg of accepted) msg.ack();
    this.#acked += accepted.length;
  }

  #pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
