import { Redis } from 'ioredis';

/** The subset of the telemetry logger this package needs; any structured logger fits. */
export interface RedisLogger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
}

export interface CreateRedisOptions {
  /** `redis://[user:pass@]host:port[/db]`. */
  readonly url: string;
  /** Shown in `CLIENT LIST` so an operator can tell which service holds a connection. */
  readonly name?: string;
  /** Do not connect until the first command (or an explicit `connect()`). Default false. */
  readonly lazyConnect?: boolean;
  /**
   * How many reconnect attempts a queued command survives before it fails. Default 3: the
   * gateway and scheduler prefer a quick error (and a fallback) over a request hanging while
   * Redis is away. `null` waits forever.
   */
  readonly maxRetriesPerRequest?: number | null;
  /** Connection status changes are logged here when given. */
  readonly logger?: RedisLogger;
}

// 2 s: reconnect attempts back off linearly and then stay at this pace, so a restarted Redis
// is picked up within ~2 s without hammering a server that is down.
const MAX_RECONNECT_DELAY_MS = 2_000;
// 10 s TCP keep-alive: a silently dropped connection (NAT, LB idle timeout) is noticed.
const KEEP_ALIVE_MS = 10_000;

/**
 * A Redis client with the options every service wants: TCP keep-alive, a reconnect strategy
 * that never gives up but caps its delay, and no auto-pipelining.
 *
 * Why no auto-pipelining: ioredis builds a whole Pipeline object for every tick in which a plain
 * command is sent, copying onto it every script defined on the client, and those objects
 * outlive young-generation collections. Measured in the scheduler bench's client (a gateway
 * stand-in releasing a slot with ZREM after each of 2,000 selects/s): with auto-pipelining each
 * scavenge promoted ~1.3 MB and paused the process 2.9–4.9 ms, three times a second; without,
 * none was promoted and pauses were 0.7–1.2 ms. The hot paths that batch (slot stock, loads,
 * snapshots) do it in Lua scripts or explicit pipelines, which ioredis never auto-pipelines.
 */
export function createRedis(options: CreateRedisOptions): Redis {
  const redis = new Redis(options.url, {
    connectionName: options.name,
    lazyConnect: options.lazyConnect ?? false,
    maxRetriesPerRequest:
      options.maxRetriesPerRequest === undefined ? 3 : options.maxRetriesPerRequest,
    enableAutoPipelining: false,
    keepAlive: KEEP_ALIVE_MS,
    retryStrategy: (attempt: number) => Math.min(attempt * 100, MAX_RECONNECT_DELAY_MS),
  });
  const logger = options.logger;
  if (logger !== undefined) {
    const fields = { redis: options.name ?? 'redis' };
    redis.on('ready', () => logger.info('redis ready', fields));
    redis.on('reconnecting', (delayMs: number) =>
      logger.warn('redis reconnecting', { ...fields, delayMs }),
    );
    redis.on('error', (err: Error) =>
      logger.warn('redis error', { ...fields, error: err.message }),
    );
  } else {
    // Without a listener ioredis prints every connection error to stderr; the retry strategy
    // already handles them, so stay quiet unless the caller asked for logs.
    redis.on('error', () => undefined);
  }
  return redis;
}

/**
 * Closes a client: waits for pending replies when connected (QUIT), otherwise drops the
 * socket at once so shutdown never waits on a Redis that is unreachable.
 */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  if (redis.status !== 'ready') {
    redis.disconnect();
    return;
  }
  try {
    await redis.quit();
  } catch {
    redis.disconnect();
  }
}
