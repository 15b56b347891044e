import { createInbox } from '@nats-io/transport-node';
import type { Msg, MsgHdrs, NatsConnection } from '@nats-io/transport-node';
import type { BusError } from './bus-errors.js';
import {
  BusAbortedError,
  BusConnectionError,
  BusNoRespondersError,
  BusTimeoutError,
} from './bus-errors.js';

type Pending = {
  readonly subject: string;
  readonly resolve: (msg: Msg) => void;
  readonly reject: (err: BusError) => void;
  readonly timer: NodeJS.Timeout;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: (() => void) | undefined;
};

export type InboxRequest = {
  readonly subject: string;
  readonly data: Uint8Array;
  readonly headers: MsgHdrs | undefined;
  readonly timeoutMs: number;
  readonly signal: AbortSignal | undefined;
};

/**
 * One reply inbox per connection, shared by every request on it: `<inbox>.*`, one subscription,
 * a token per request. nats-core's own `request` does the same multiplexing, but allocates per
 * request a request object, a timer race and — even on success — an Error with a stack trace
 * (its cancel path); on the gateway's and the scheduler client's hot path that was ~15-30 µs of
 * CPU per request. Here a request is a map entry and one timer.
 *
 * Errors are the bus's own: BusTimeoutError, BusNoRespondersError (the server's 503 status
 * reply), BusAbortedError, BusConnectionError (closed or closing connection).
 */
export class ReplyInbox {
  readonly #nc: NatsConnection;
  readonly #prefix: string;
  readonly #pending = new Map<string, Pending>();
  #seq = 0;

  constructor(nc: NatsConnection) {
    this.#nc = nc;
    this.#prefix = `${createInbox()}.`;
    nc.subscribe(`${this.#prefix}*`, {
      callback: (err, msg) => (err ? this.#failAll(err) : this.#deliver(msg)),
    });
    void nc.closed().then((err) => this.#failAll(err ?? undefined));
  }

  request(req: InboxRequest): Promise<Msg> {
    const { subject, signal } = req;
    if (signal?.aborted) {
      return Promise.reject(new BusAbortedError(subject, { cause: signal.reason }));
    }
    if (this.#nc.isClosed() || this.#nc.isDraining()) {
      return Promise.reject(
        new BusConnectionError(`connection closed before request on ${subject}`),
      );
    }
    const token = (++this.#seq).toString(36);
    return new Promise<Msg>((resolve, reject) => {
      const timer = setTimeout(
        () => this.#settle(token)?.reject(new BusTimeoutError(subject, req.timeoutMs)),
        req.timeoutMs,
      );
      const onAbort =
        signal === undefined
          ? undefined
          : () =>
              this.#settle(token)?.reject(new BusAbortedError(subject, { cause: signal.reason }));
      signal?.addEventListener('abort', onAbort!, { once: true });
      this.#pending.set(token, { subject, resolve, reject, timer, signal, onAbort });
      try {
        this.#nc.publish(subject, req.data, { reply: this.#prefix + token, headers: req.headers });
      } catch (err) {
        this.#settle(token)?.reject(
          new BusConnectionError(`request on ${subject} could not be sent`, { cause: err }),
        );
      }
    });
  }

  /** Removes the request and its timer and listener; undefined when already settled. */
  #settle(token: string): Pending | undefined {
    const pending = this.#pending.get(token);
    if (pending === undefined) return undefined;
    this.#pending.delete(token);
    clearTimeout(pending.timer);
    if (pending.onAbort !== undefined)
      pending.signal?.removeEventListener('abort', pending.onAbort);
    return pending;
  }

  #deliver(msg: Msg): void {
    // A late reply (after its timeout) finds nothing and is dropped.
    const pending = this.#settle(msg.subject.slice(this.#prefix.length));
    if (pending === undefined) return;
    if (msg.data.length === 0 && msg.headers?.code === 503) {
      pending.reject(new BusNoRespondersError(pending.subject));
      return;
    }
    pending.resolve(msg);
  }

  #failAll(cause: unknown): void {
    for (const token of [...this.#pending.keys()]) {
      const pending = this.#settle(token)!;
      pending.reject(
        new BusConnectionError(`connection closed during request on ${pending.subject}`, {
          cause,
        }),
      );
    }
  }
}

const inboxes = new WeakMap<NatsConnection, ReplyInbox>();

/** The connection's shared reply inbox, subscribed on first use. */
export function replyInbox(nc: NatsConnection): ReplyInbox {
  let inbox = inboxes.get(nc);
  if (inbox === undefined) {
    inbox = new ReplyInbox(nc);
    inboxes.set(nc, inbox);
  }
  return inbox;
}
