import { randomUUID } from 'node:crypto';
import { headersWithTrace, type Bus } from '@switchyard/bus';
import type { EndOfTurn } from './end-of-turn.js';

type NatsConnection = Bus['nc'];
type Subscription = ReturnType<NatsConnection['subscribe']>;

/** What a reply on the ack inbox carries that we read. */
type AckMessage = {
  readonly subject: string;
  readonly data: Uint8Array;
  readonly headers?: { readonly code: number } | undefined;
};

export type AsyncAckPublisherOptions = {
  /** Retries after the first attempt. Default 3. */
  readonly retries?: number;
  /** How long an attempt waits for the stream's acknowledgement. Default 5 s. */
  readonly ackTimeoutMs?: number;
  /** Told about a message given up after its last attempt, with the ids it was published with. */
  readonly onGiveUp: (ids: Readonly<Record<string, string>>, error: Error) => void;
};

/** One message until the stream acknowledged it or it was given up. */
type Outgoing = {
  readonly subject: string;
  readonly data: Uint8Array;
  readonly msgId: string;
  readonly ids: Readonly<Record<string, string>>;
  attempts: number;
  deadline: number;
};

// The same schedule as publishDurable (@switchyard/bus): 100 ms doubling, capped at 2 s, rides
// out a server restart or leader move.
const DEFAULT_RETRIES = 3;
const DEFAULT_ACK_TIMEOUT_MS = 5_000;
const BASE_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 2_000;
// Acks are checked for lateness once a second: a timeout fires up to a second late, which only
// delays a retry, and no timer is set per message.
const SWEEP_MS = 1_000;

/**
 * Publishes to JetStream streams with acknowledgements collected asynchronously: each message
 * is a plain publish whose reply subject is a token under one inbox this publisher subscribes
 * to, so a message costs a map entry instead of a request (a reply subscription entry, a timer
 * and a promise chain each). A message is retried — with the same `Nats-Msg-Id`, so the stream
 * stores it once — when the stream answers with an error, when no stream answers, or when no
 * acknowledgement comes within the timeout; after the last retry it is given up and reported.
 * Publishing happens at the end of the turn (EndOfTurn), encoding included.
 */
export class AsyncAckPublisher {
  readonly #nc: NatsConnection;
  readonly #turn: EndOfTurn;
  readonly #retries: number;
  readonly #ackTimeoutMs: number;
  readonly #onGiveUp: AsyncAckPublisherOptions['onGiveUp'];
  readonly #inbox = `_INBOX.${randomUUID().replaceAll('-', '')}`;
  readonly #subscription: Subscription;
  readonly #sweep: NodeJS.Timeout;
  readonly #awaitingAck = new Map<string, Outgoing>();
  #nextToken = 0;
  /** Messages not yet (re)sent: queued for the end of the turn, or waiting out a backoff. */
  #unsent = 0;
  #whenIdle: (() => void)[] = [];

  constructor(nc: NatsConnection, turn: EndOfTurn, options: AsyncAckPublisherOptions) {
    this.#nc = nc;
    this.#turn = turn;
    this.#retries = options.retries ?? DEFAULT_RETRIES;
    this.#ackTimeoutMs = options.ackTimeoutMs ?? DEFAULT_ACK_TIMEOUT_MS;
    this.#onGiveUp = options.onGiveUp;
    this.#subscription = nc.subscribe(`${this.#inbox}.*`, {
      callback: (err, msg) => {
        if (err === null) this.#onAck(msg);
      },
    });
    this.#sweep = setInterval(() => this.#expire(Date.now()), SWEEP_MS);
    this.#sweep.unref();
  }

  /**
   * Queues `payload` (as JSON) for `subject`, deduplicated by the stream on `msgId`; `ids` name
   * it in a give-up report.
   */
  publish(
    subject: string,
    payload: unknown,
    msgId: string,
    ids: Readonly<Record<string, string>>,
  ): void {
    this.#unsent++;
    this.#turn.defer(() => {
      this.#unsent--;
      const data = Buffer.from(JSON.stringify(payload), 'utf8');
      this.#send({ subject, data, msgId, ids, attempts: 0, deadline: 0 });
    });
  }

  /** Resolves once every message handed over so far was acknowledged or given up. */
  flush(): Promise<void> {
    if (this.#idle()) return Promise.resolve();
    return new Promise((resolve) => this.#whenIdle.push(resolve));
  }

  /** Stops listening for acks; call after `flush`. */
  close(): void {
    clearInterval(this.#sweep);
    this.#subscription.unsubscribe();
  }

  #send(message: Outgoing): void {
    message.attempts++;
    message.deadline = Date.now() + this.#ackTimeoutMs;
    const token = (this.#nextToken++).toString(36);
    this.#awaitingAck.set(token, message);
    try {
      this.#nc.publish(message.subject, message.data, {
        reply: `${this.#inbox}.${token}`,
        headers: headersWithTrace({ 'Nats-Msg-Id': message.msgId }),
      });
    } catch (error) {
      this.#awaitingAck.delete(token);
      this.#failed(message, toError(error));
    }
  }

  #onAck(msg: AckMessage): void {
    const token = msg.subject.slice(this.#inbox.length + 1);
    const message = this.#awaitingAck.get(token);
    // A late ack of an attempt already timed out and resent: the resend gets its own.
    if (message === undefined) return;
    this.#awaitingAck.delete(token);
    const problem = ackProblem(msg);
    if (problem === undefined) this.#settled();
    else this.#failed(message, problem);
  }

  #expire(now: number): void {
    for (const [token, message] of this.#awaitingAck) {
      if (message.deadline > now) continue;
      this.#awaitingAck.delete(token);
      this.#failed(
        message,
        new Error(
          `no acknowledgement within ${this.#ackTimeoutMs} ms (attempt ${message.attempts})`,
        ),
      );
    }
  }

  #failed(message: Outgoing, error: Error): void {
    if (message.attempts > this.#retries) {
      this.#onGiveUp(message.ids, error);
      this.#settled();
      return;
    }
    this.#unsent++;
    const backoff = Math.min(BASE_BACKOFF_MS * 2 ** (message.attempts - 1), MAX_BACKOFF_MS);
    setTimeout(() => {
      this.#unsent--;
      this.#send(message);
    }, backoff);
  }

  #settled(): void {
    if (!this.#idle() || this.#whenIdle.length === 0) return;
    const waiters = this.#whenIdle;
    this.#whenIdle = [];
    for (const resolve of waiters) resolve();
  }

  #idle(): boolean {
    return this.#unsent === 0 && this.#awaitingAck.size === 0;
  }
}

/** Why a reply is not a stored-message acknowledgement, or undefined when it is one. */
function ackProblem(msg: AckMessage): Error | undefined {
  // An empty reply is a status: 503 when no stream listens on the subject.
  if (msg.data.length === 0) {
    return new Error(`no stream took the message (status ${msg.headers?.code ?? 'none'})`);
  }
  let ack: { stream?: unknown; error?: { code?: unknown; description?: unknown } };
  try {
    const { buffer, byteOffset, byteLength } = msg.data;
    ack = JSON.parse(Buffer.from(buffer, byteOffset, byteLength).toString('utf8')) as typeof ack;
  } catch {
    return new Error('the acknowledgement is not JSON');
  }
  if (ack.error !== undefined) {
    return new Error(
      `the stream refused the message: ${String(ack.error.code)} ${String(ack.error.description)}`,
    );
  }
  return typeof ack.stream === 'string'
    ? undefined
    : new Error('the acknowledgement names no stream');
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
