import type { ConsumerMessages, JetStreamClient, JsMsg } from '@nats-io/jetstream';
import { accountEventSchema, decodeMessage, MalformedMessageError } from '@switchyard/contracts';
import type { AccountEvent } from '@switchyard/contracts';
import type { Logger } from '@switchyard/telemetry';
import { BuilderStoppedError } from './snapshot-builder-errors.js';

export interface WorkLoopOptions {
  /** Most events handed to `process` at once. */
  readonly maxBatch: number;
  /** Redelivery delay of a batch that failed. */
  readonly nakDelayMs: number;
  /** Messages pulled ahead of processing. */
  readonly prefetch: number;
  readonly process: (events: AccountEvent[]) => Promise<unknown>;
  /**
   * Runs a full rebuild for the queued requests; `requestedAt` is the latest request's time,
   * so a rebuild another replica started after it can stand in for this one.
   */
  readonly fullRebuild: (reason: string, requestedAt: number) => Promise<unknown>;
  /** Told how many events ended with each result (for metrics). */
  readonly count?: (result: 'acked' | 'failed' | 'malformed', events: number) => void;
  readonly now: () => number;
  readonly logger: Logger;
}

export interface WorkLoopStats {
  acked: number;
  failed: number;
  malformed: number;
  batches: number;
}

interface RebuildRequest {
  readonly reason: string;
  readonly requestedAt: number;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

/**
 * The builder's single line of work: event batches from the durable consumer and full
 * rebuilds run one at a time, never interleaved, so a rebuild never races this replica's own
 * incremental updates. Events arrive by callback into a buffer; whatever has piled up while
 * the previous batch ran is the next batch (one event when quiet, up to `maxBatch` when busy),
 * which lets a burst touching the same buckets rebuild each of them once. A batch is acked
 * after it was processed and nak'd as a whole when processing failed.
 */
export class WorkLoop {
  readonly #options: WorkLoopOptions;
  readonly #buffer: JsMsg[] = [];
  #rebuilds: RebuildRequest[] = [];
  #wake: (() => void) | undefined;
  #messages: ConsumerMessages | undefined;
  #stopping = false;
  readonly #done: Promise<void>;
  readonly #stats: WorkLoopStats = { acked: 0, failed: 0, malformed: 0, batches: 0 };

  constructor(options: WorkLoopOptions) {
    this.#options = options;
    this.#done = this.#run();
  }

  /** Starts pulling from the durable consumer. */
  async consume(js: JetStreamClient, stream: string, durable: string): Promise<void> {
    const consumer = await js.consumers.get(stream, durable);
    this.#messages = await consumer.consume({
      max_messages: this.#options.prefetch,
      callback: (msg) => {
        if (this.#stopping) {
          this.#settle(msg, () => msg.nak());
          return;
        }
        this.#buffer.push(msg);
        this.#signal();
      },
    });
  }

  /**
   * Queues a full rebuild; resolves when one that started after this call has finished.
   * Requests made while none has started yet share one rebuild.
   */
  requestFullRebuild(reason: string): Promise<void> {
    if (this.#stopping) return Promise.reject(new BuilderStoppedError());
    return new Promise((resolve, reject) => {
      this.#rebuilds.push({ reason, requestedAt: this.#options.now(), resolve, reject });
      this.#signal();
    });
  }

  stats(): WorkLoopStats {
    return { ...this.#stats };
  }

  /** Number of events received and not yet handed to processing. */
  get buffered(): number {
    return this.#buffer.length;
  }

  /**
   * Stops pulling, finishes the work in hand, and hands buffered events back to the server
   * (nak without delay) so another replica takes them at once.
   */
  async stop(): Promise<void> {
    this.#stopping = true;
    await this.#messages?.close().catch(() => undefined);
    this.#signal();
    await this.#done;
    for (const msg of this.#buffer.splice(0)) this.#settle(msg, () => msg.nak());
    for (const request of this.#rebuilds.splice(0)) request.reject(new BuilderStoppedError());
  }

  #signal(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  async #run(): Promise<void> {
    while (!this.#stopping) {
      if (this.#rebuilds.length > 0) {
        await this.#rebuild(this.#rebuilds.splice(0));
      } else if (this.#buffer.length > 0) {
        await this.#process(this.#buffer.splice(0, this.#options.maxBatch));
      } else {
        await new Promise<void>((resolve) => (this.#wake = resolve));
      }
    }
  }

  async #rebuild(requests: RebuildRequest[]): Promise<void> {
    const reason = [...new Set(requests.map((r) => r.reason))].join(', ');
    const requestedAt = Math.max(...requests.map((r) => r.requestedAt));
    try {
      await this.#options.fullRebuild(reason, requestedAt);
      for (const request of requests) request.resolve();
    } catch (err) {
      this.#options.logger.error('full rebuild failed', { reason, error: err });
      for (const request of requests) request.reject(err);
    }
  }

  /**
   * Acks, naks or terminates; on a closed connection that fails, and the server redelivers
   * the message after ack_wait, which is exactly what an unanswered message should get.
   */
  #settle(msg: JsMsg, answer: () => void): void {
    try {
      answer();
    } catch (err) {
      this.#options.logger.debug('could not answer a message', { seq: msg.seq, error: err });
    }
  }

  async #process(msgs: JsMsg[]): Promise<void> {
    const events: AccountEvent[] = [];
    const accepted: JsMsg[] = [];
    for (const msg of msgs) {
      try {
        events.push(decodeMessage(accountEventSchema, msg.data));
        accepted.push(msg);
      } catch (err) {
        if (!(err instanceof MalformedMessageError)) throw err;
        // Dead-lettered: logged with its payload and terminated, so it never blocks the stream.
        this.#stats.malformed++;
        this.#options.count?.('malformed', 1);
        this.#options.logger.warn('malformed account event dropped', {
          subject: msg.subject,
          seq: msg.seq,
          reason: err.message,
          payload: Buffer.from(msg.data).toString('utf8').slice(0, 1_000),
        });
        this.#settle(msg, () => msg.term());
      }
    }
    if (accepted.length === 0) return;
    this.#stats.batches++;
    try {
      await this.#options.process(events);
    } catch (err) {
      this.#stats.failed += accepted.length;
      this.#options.count?.('failed', accepted.length);
      this.#options.logger.warn('account events failed; redelivering later', {
        events: accepted.length,
        error: err,
      });
      for (const msg of accepted) this.#settle(msg, () => msg.nak(this.#options.nakDelayMs));
      return;
    }
    for (const msg of accepted) this.#settle(msg, () => msg.ack());
    this.#stats.acked += accepted.length;
    this.#options.count?.('acked', accepted.length);
  }
}
