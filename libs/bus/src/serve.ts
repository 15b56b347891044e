import { context } from '@opentelemetry/api';
import type { Context } from '@opentelemetry/api';
import type { Msg, MsgHdrs, NatsConnection, Subscription } from '@nats-io/transport-node';
import type { BusLogger } from './bus-logger.js';
import { describeError, silentLogger } from './bus-logger.js';
import { InFlight } from './in-flight.js';
import { decodeJson } from './json-codec.js';
import { encodeErrorReply, encodeOkReply } from './reply-envelope.js';
import type { BusSchema } from './schema.js';
import { describeSchemaError } from './schema.js';
import { traceContextFromHeaders } from './trace-headers.js';

/** What a handler learns about the request besides its payload. */
export interface RequestContext {
  readonly subject: string;
  readonly headers: MsgHdrs | undefined;
  /** The requester's trace context; the handler already runs inside it. */
  readonly traceContext: Context;
}

export interface ServeOptions<Req, Res> {
  /** Queue group: replicas in one group share the requests, each answered once. */
  readonly queue?: string;
  readonly requestSchema: BusSchema<Req>;
  /**
   * Answers one request. Throw an error with a string `code` and boolean `retryable` to send
   * that code back; any other throw is answered as `internal`.
   */
  readonly handler: (req: Req, ctx: RequestContext) => Promise<Res>;
  readonly logger?: BusLogger;
}

/** Counters of one responder, for metrics. */
export interface ServeStats {
  readonly received: number;
  /** Requests answered with `invalid_request`. */
  readonly invalid: number;
  /** Requests whose handler threw. */
  readonly failed: number;
}

export interface ServeHandle {
  readonly subject: string;
  /** Stops receiving at once; requests already running still get their reply. */
  stop(): void;
  /** Stops receiving, then resolves when every request already received has been answered. */
  drain(): Promise<void>;
  stats(): ServeStats;
}

/** Error codes this module answers with itself. */
export const ServeErrorCodes = {
  InvalidRequest: 'invalid_request',
  Internal: 'internal',
} as const;
export type ServeErrorCode = (typeof ServeErrorCodes)[keyof typeof ServeErrorCodes];

/**
 * Answers requests on `subject`: decodes and validates each one, runs the handler inside the
 * requester's trace context and replies with an envelope. No request goes unanswered and no
 * input can crash the responder: bad JSON or a schema failure gets an `invalid_request` reply.
 *
 * This is the scheduler's hot path, so the per-message work is kept to decode, validate,
 * extract trace context (only when headers are present), run, encode.
 */
export function serve<Req, Res>(
  nc: NatsConnection,
  subject: string,
  options: ServeOptions<Req, Res>,
): ServeHandle {
  const responder = new Responder(subject, options);
  const sub = nc.subscribe(subject, {
    queue: options.queue,
    callback: (err, msg) => {
      if (err) {
        responder.logger.error('serve subscription error', { subject, error: describeError(err) });
        return;
      }
      responder.handle(msg);
    },
  });
  return new ServeSubscription(subject, sub, responder);
}

class Responder<Req, Res> {
  readonly logger: BusLogger;
  readonly inFlight = new InFlight();
  #received = 0;
  #invalid = 0;
  #failed = 0;
  readonly #subject: string;
  readonly #schema: BusSchema<Req>;
  readonly #handler: (req: Req, ctx: RequestContext) => Promise<Res>;

  constructor(subject: string, options: ServeOptions<Req, Res>) {
    this.#subject = subject;
    this.#schema = options.requestSchema;
    this.#handler = options.handler;
    this.logger = options.logger ?? silentLogger;
  }

  handle(msg: Msg): void {
    this.#received++;
    let payload: unknown;
    try {
      payload = decodeJson(msg.data);
    } catch {
      this.#reject(msg, 'request is not valid JSON');
      return;
    }
    let parsed: ReturnType<BusSchema<Req>['safeParse']>;
    try {
      parsed = this.#schema.safeParse(payload);
    } catch (err) {
      // A schema that throws (a refinement bug) must not leave the request unanswered.
      parsed = { success: false, error: err };
    }
    if (!parsed.success) {
      this.#reject(msg, describeSchemaError(parsed.error));
      return;
    }
    const headers = msg.headers;
    const active = context.active();
    const traceContext = traceContextFromHeaders(headers, active);
    const ctx: RequestContext = { subject: msg.subject, headers, traceContext };
    this.inFlight.enter();
    let pending: Promise<Res>;
    try {
      // Without a header block there is no requester context to enter: the handler already
      // runs in the active one, so skip the context-manager switch on the untraced hot path.
      const handler = this.#handler;
      const result =
        traceContext === active
          ? handler(parsed.data, ctx)
          : context.with(traceContext, this.#handler, undefined, parsed.data, ctx);
      // Promise.resolve: tolerate a handler that returns a plain value.
      pending = Promise.resolve(result);
    } catch (err) {
      // A handler that throws synchronously instead of rejecting.
      pending = Promise.reject(err);
    }
    pending.then(
      (res) => this.#answer(msg, res),
      (err: unknown) => this.#fail(msg, err),
    );
  }

  stats(): ServeStats {
    return { received: this.#received, invalid: this.#invalid, failed: this.#failed };
  }

  #answer(msg: Msg, res: Res): void {
    let data: Uint8Array;
    try {
      data = encodeOkReply(res);
    } catch (err) {
      // The result did not serialise (BigInt, cycle): still answer.
      this.#fail(msg, err);
      return;
    }
    this.#respond(msg, data);
    this.inFlight.leave();
  }

  #fail(msg: Msg, err: unknown): void {
    this.#failed++;
    const coded = codedError(err);
    if (coded === undefined) {
      this.logger.error('request handler failed', {
        subject: this.#subject,
        error: describeError(err),
      });
      this.#respond(msg, encodeErrorReply(ServeErrorCodes.Internal, 'internal error', true));
    } else {
      this.logger.debug('request handler refused', { subject: this.#subject, code: coded.code });
      this.#respond(msg, encodeErrorReply(coded.code, coded.message, coded.retryable));
    }
    this.inFlight.leave();
  }

  #reject(msg: Msg, reason: string): void {
    this.#invalid++;
    this.logger.warn('invalid request', { subject: this.#subject, reason });
    this.#respond(
      msg,
      encodeErrorReply(ServeErrorCodes.InvalidRequest, `invalid request: ${reason}`, false),
    );
  }

  #respond(msg: Msg, data: Uint8Array): void {
    try {
      if (!msg.respond(data)) {
        this.logger.debug('request without reply subject', { subject: this.#subject });
      }
    } catch (err) {
      // Connection closed between request and reply: the requester will time out.
      this.logger.warn('reply not sent', { subject: this.#subject, error: describeError(err) });
    }
  }
}

/** The `code`/`retryable` contract of domain errors; anything else is internal. */
function codedError(
  err: unknown,
): { code: string; message: string; retryable: boolean } | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { code, retryable, message } = err as {
    code?: unknown;
    retryable?: unknown;
    message?: unknown;
  };
  if (typeof code !== 'string' || typeof retryable !== 'boolean') return undefined;
  return { code, retryable, message: typeof message === 'string' ? message : code };
}

interface ResponderState {
  readonly inFlight: InFlight;
  stats(): ServeStats;
}

class ServeSubscription implements ServeHandle {
  readonly subject: string;
  readonly #sub: Subscription;
  readonly #responder: ResponderState;

  constructor(subject: string, sub: Subscription, responder: ResponderState) {
    this.subject = subject;
    this.#sub = sub;
    this.#responder = responder;
  }

  stop(): void {
    if (!this.#sub.isClosed()) this.#sub.unsubscribe();
  }

  async drain(): Promise<void> {
    if (!this.#sub.isClosed() && !this.#sub.isDraining()) await this.#sub.drain();
    await this.#responder.inFlight.idle();
  }

  stats(): ServeStats {
    return this.#responder.stats();
  }
}
