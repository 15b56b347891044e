import { connect } from '@nats-io/transport-node';
import type { NatsConnection, Status } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { BusConnectionError } from './bus-errors.js';
import type { BusLogger } from './bus-logger.js';
import { describeError, silentLogger } from './bus-logger.js';

export interface ConnectBusOptions {
  /** `nats://host:port` or several, tried in order. */
  readonly servers: string | readonly string[];
  /** Connection name shown by the server (`/connz`): the service and replica. */
  readonly name: string;
  readonly logger?: BusLogger;
  /** Reconnect attempts per server after a disconnect; -1 (default) retries forever. */
  readonly maxReconnectAttempts?: number;
  /** Pause between reconnect attempts to the same server. Default 500 ms. */
  readonly reconnectTimeWaitMs?: number;
}

/** A NATS connection plus lazily created JetStream handles. */
export interface Bus {
  readonly nc: NatsConnection;
  js(): JetStreamClient;
  jsm(): Promise<JetStreamManager>;
  /** Closes at once; in-flight requests fail. */
  close(): Promise<void>;
  /** Lets subscriptions finish their pending messages, flushes, then closes. */
  drain(): Promise<void>;
  /** Resolves when the connection is closed for good (by us or after giving up reconnecting). */
  closed(): Promise<void>;
}

// 500 ms between attempts (NATS default is 2 s): a restarted server is back in well under a
// second and RPC timeouts are a few seconds, so waiting 2 s would fail requests needlessly.
const DEFAULT_RECONNECT_WAIT_MS = 500;

/** Connects to NATS. The first connection must succeed; later drops reconnect in the background. */
export async function connectBus(options: ConnectBusOptions): Promise<Bus> {
  const logger = options.logger ?? silentLogger;
  const servers = typeof options.servers === 'string' ? options.servers : [...options.servers];
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers,
      name: options.name,
      maxReconnectAttempts: options.maxReconnectAttempts ?? -1,
      reconnectTimeWait: options.reconnectTimeWaitMs ?? DEFAULT_RECONNECT_WAIT_MS,
      // nats-core otherwise builds an Error per request/publish just to keep an async stack
      // trace for a failure that rarely comes; profiling the gateway put that at ~150 µs of
      // CPU per request. Our typed errors carry the subject instead.
      noAsyncTraces: true,
    });
  } catch (err) {
    throw new BusConnectionError(`cannot connect to NATS at ${String(servers)}`, { cause: err });
  }
  logger.info('nats connected', { name: options.name, server: nc.getServer() });
  return new NatsBus(nc, options.name, logger);
}

class NatsBus implements Bus {
  readonly nc: NatsConnection;
  #js: JetStreamClient | undefined;
  #jsm: Promise<JetStreamManager> | undefined;
  readonly #closed: Promise<void>;

  constructor(nc: NatsConnection, name: string, logger: BusLogger) {
    this.nc = nc;
    void watchStatus(nc, name, logger);
    this.#closed = nc.closed().then((err) => {
      if (err)
        logger.error('nats connection closed with error', { name, error: describeError(err) });
      else logger.info('nats connection closed', { name });
    });
  }

  js(): JetStreamClient {
    this.#js ??= jetstream(this.nc);
    return this.#js;
  }

  jsm(): Promise<JetStreamManager> {
    if (this.#jsm === undefined) {
      const pending = jetstreamManager(this.nc);
      // A failed lookup (JetStream not enabled yet) must not be cached forever.
      pending.catch(() => {
        if (this.#jsm === pending) this.#jsm = undefined;
      });
      this.#jsm = pending;
    }
    return this.#jsm;
  }

  async close(): Promise<void> {
    if (!this.nc.isClosed()) await this.nc.close();
    await this.#closed;
  }

  async drain(): Promise<void> {
    if (!this.nc.isClosed() && !this.nc.isDraining()) await this.nc.drain();
    await this.#closed;
  }

  closed(): Promise<void> {
    return this.#closed;
  }
}

async function watchStatus(nc: NatsConnection, name: string, logger: BusLogger): Promise<void> {
  for await (const s of nc.status()) logStatus(s, name, logger);
}

function logStatus(s: Status, name: string, logger: BusLogger): void {
  switch (s.type) {
    case 'disconnect':
      logger.warn('nats disconnected', { name, server: s.server });
      return;
    case 'reconnecting':
      logger.debug('nats reconnecting', { name });
      return;
    case 'reconnect':
      logger.info('nats reconnected', { name, server: s.server });
      return;
    case 'error':
      logger.error('nats error', { name, error: describeError(s.error) });
      return;
    case 'ldm':
      logger.warn('nats server entering lame duck mode', { name, server: s.server });
      return;
    case 'staleConnection':
      logger.warn('nats connection stale', { name });
      return;
    case 'slowConsumer':
      logger.warn('nats slow consumer', { name, subject: s.sub.getSubject(), pending: s.pending });
      return;
    default:
      logger.debug('nats status', { name, type: s.type });
  }
}
