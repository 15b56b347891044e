import { createDatabase, dropDatabase, randomDatabaseName } from './database-admin.js';
import { sharedPostgresUrl } from './shared-postgres.js';
import { startNats, type NatsServer } from './start-nats.js';
import { startPostgres, type PostgresServer } from './start-postgres.js';
import { startRedis, type RedisServer } from './start-redis.js';
import { createMigratedDatabase } from './template-database.js';

/** Which servers a test needs. Each is off unless asked for. */
export type HarnessOptions = {
  /** A nats-server with JetStream. */
  readonly nats?: boolean;
  readonly redis?: boolean;
  /** A fresh, empty database. */
  readonly postgres?: boolean;
  /** A fresh database with every @switchyard/db migration applied (implies postgres). */
  readonly migrate?: boolean;
};

type When<Flag, T> = Flag extends true ? T : T | undefined;

/** What startHarness started; a field is typed present when its option was a literal `true`. */
export type Harness<O extends HarnessOptions = HarnessOptions> = {
  readonly natsUrl: When<O['nats'], string>;
  readonly redisUrl: When<O['redis'], string>;
  readonly databaseUrl: When<O['postgres'], string> & When<O['migrate'], string>;
  readonly nats: When<O['nats'], NatsServer>;
  readonly redis: When<O['redis'], RedisServer>;
  /**
   * The cluster this harness started for itself, when there was no shared one (outside jest,
   * e.g. a benchmark); undefined when it used the shared cluster or started none.
   */
  readonly postgres: PostgresServer | undefined;
  /** Stops every server and drops the database. Safe to call more than once. */
  stop(): Promise<void>;
};

type Database = {
  readonly url: string;
  readonly server: PostgresServer | undefined;
  drop(): Promise<void>;
};

async function createOn(
  adminUrl: string,
  server: PostgresServer | undefined,
  migrate: boolean,
): Promise<Database> {
  const name = randomDatabaseName();
  const url = migrate
    ? await createMigratedDatabase(adminUrl, name)
    : await createDatabase(adminUrl, name);
  return {
    url,
    server,
    // An own cluster goes as a whole; on the shared one the database is dropped so that the
    // cluster does not fill up over a long run.
    drop: () => (server === undefined ? dropDatabase(adminUrl, name) : server.stop()),
  };
}

async function openDatabase(migrate: boolean): Promise<Database> {
  const shared = sharedPostgresUrl();
  if (shared !== undefined) return createOn(shared, undefined, migrate);
  const server = await startPostgres();
  try {
    return await createOn(server.url, server, migrate);
  } catch (error) {
    await server.stop();
    throw error;
  }
}

function rejections(results: readonly PromiseSettledResult<unknown>[]): unknown[] {
  return results.flatMap((result) =>
    result.status === 'rejected' ? [result.reason as unknown] : [],
  );
}

function oneError(errors: readonly unknown[], message: string): unknown {
  return errors.length === 1 ? errors[0] : new AggregateError(errors, message);
}

function valueOf<T>(result: PromiseSettledResult<T>): T | undefined {
  return result.status === 'fulfilled' ? result.value : undefined;
}

/**
 * Starts the servers a test asks for, in parallel, each on a free loopback port: its own
 * nats-server and redis-server, and a fresh database (on the jest run's shared postgres, or on
 * a cluster of its own when there is none). If one fails, the others are stopped again.
 */
export async function startHarness<const O extends HarnessOptions>(
  options: O,
): Promise<Harness<O>> {
  const wantsDatabase = options.postgres === true || options.migrate === true;
  const results = await Promise.allSettled([
    options.nats === true ? startNats() : undefined,
    options.redis === true ? startRedis() : undefined,
    wantsDatabase ? openDatabase(options.migrate === true) : undefined,
  ]);
  const [nats, redis, database] = [valueOf(results[0]), valueOf(results[1]), valueOf(results[2])];
  const stopAll = async (): Promise<void> => {
    const stopping = [nats?.stop(), redis?.stop(), database?.drop()];
    const errors = rejections(await Promise.allSettled(stopping));
    if (errors.length > 0) throw oneError(errors, 'stopping the harness failed');
  };
  const startErrors = rejections(results);
  if (startErrors.length > 0) {
    // The start failure is the one worth reporting; a failure to stop the rest would hide it.
    await stopAll().catch(() => {});
    throw oneError(startErrors, 'starting the harness failed');
  }
  let stopped: Promise<void> | undefined;
  const harness: Harness = {
    natsUrl: nats?.url,
    redisUrl: redis?.url,
    databaseUrl: database?.url,
    nats,
    redis,
    postgres: database?.server,
    stop: () => (stopped ??= stopAll()),
  };
  // Each field the options asked for was started above (or startHarness threw).
  return harness as Harness<O>;
}
