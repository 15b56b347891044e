import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import {
  HarnessError,
  SHARED_POSTGRES_ENV,
  startHarness,
  startNats,
  startPostgres,
  startRedis,
  type PostgresServer,
} from '@switchyard/harness';
import { Redis } from 'ioredis';
import postgres from 'postgres';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function query<T extends object>(url: string, text: string): Promise<T[]> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    return [...(await sql.unsafe<T[]>(text))];
  } finally {
    await sql.end();
  }
}

async function databaseExists(adminUrl: string, name: string): Promise<boolean> {
  const rows = await query<{ n: number }>(
    adminUrl,
    `select 1 as n from pg_database where datname = '${name}'`,
  );
  return rows.length === 1;
}

function databaseName(url: string): string {
  return new URL(url).pathname.slice(1);
}

describe('startNats', () => {
  it('answers a request/reply round trip on a loopback port', async () => {
    const server = await startNats();
    const nc = await connect({ servers: server.url });
    try {
      expect(server.url).toBe(`nats://127.0.0.1:${server.port}`);
      nc.subscribe('echo', {
        callback: (_error, msg) => void msg.respond(`echo: ${msg.string()}`),
      });
      const reply = await nc.request('echo', 'hello', { timeout: 5000 });
      expect(reply.string()).toBe('echo: hello');
    } finally {
      await nc.close();
      await server.stop();
    }
  });

  it('runs with JetStream enabled', async () => {
    const server = await startNats();
    const nc = await connect({ servers: server.url });
    try {
      const jsm = await jetstreamManager(nc);
      await jsm.streams.add({ name: 'HARNESS', subjects: ['harness.>'] });
      await jetstream(nc).publish('harness.one', 'payload');
      const info = await jsm.streams.info('HARNESS');
      expect(info.state.messages).toBe(1);
    } finally {
      await nc.close();
      await server.stop();
    }
  });

  it('comes back on the same port with its JetStream data after a crash and restart', async () => {
    const server = await startNats();
    try {
      const first = await connect({ servers: server.url });
      const jsm = await jetstreamManager(first);
      await jsm.streams.add({ name: 'DURABLE', subjects: ['durable.>'] });
      await jetstream(first).publish('durable.one', 'kept');
      await first.close();
      const crashedPid = server.pid;

      server.kill();
      await server.restart();

      expect(server.pid).not.toBe(crashedPid);
      const second = await connect({ servers: `nats://127.0.0.1:${server.port}` });
      try {
        const info = await (await jetstreamManager(second)).streams.info('DURABLE');
        expect(info.state.messages).toBe(1);
      } finally {
        await second.close();
      }
    } finally {
      await server.stop();
    }
  });

  it('leaves no process behind once stopped', async () => {
    const server = await startNats();
    const pid = server.pid;
    expect(isAlive(pid)).toBe(true);
    await server.stop();
    expect(isAlive(pid)).toBe(false);
    await server.stop();
  });
});

describe('startRedis', () => {
  it('answers PING and listens on 127.0.0.1 only', async () => {
    const server = await startRedis();
    const redis = new Redis(server.url);
    try {
      expect(await redis.ping()).toBe('PONG');
      expect(await redis.config('GET', 'bind')).toEqual(['bind', '127.0.0.1']);
      expect(await redis.config('GET', 'save')).toEqual(['save', '']);
    } finally {
      redis.disconnect();
      await server.stop();
    }
  });

  it('leaves no process behind once stopped', async () => {
    const server = await startRedis();
    const pid = server.pid;
    expect(isAlive(pid)).toBe(true);
    await server.stop();
    expect(isAlive(pid)).toBe(false);
  });
});

describe('startPostgres', () => {
  let server: PostgresServer;

  beforeAll(async () => {
    server = await startPostgres();
  });

  afterAll(async () => {
    await server.stop();
  });

  it('accepts queries on its admin URL with the test settings', async () => {
    expect(server.url).toBe(`postgres://postgres@127.0.0.1:${server.port}/postgres`);
    const [row] = await query<{ one: number; fsync: string; listen: string }>(
      server.url,
      `select 1 as one, current_setting('fsync') as fsync, current_setting('listen_addresses') as listen`,
    );
    expect(row).toEqual({ one: 1, fsync: 'off', listen: '127.0.0.1' });
  });

  it('creates databases that are isolated from each other', async () => {
    const first = await server.createDatabase();
    const second = await server.createDatabase();
    expect(databaseName(first)).not.toBe(databaseName(second));

    await query(first, 'create table only_in_first (id int)');

    const inFirst = await query(first, `select 1 from pg_tables where tablename = 'only_in_first'`);
    const inSecond = await query(
      second,
      `select 1 from pg_tables where tablename = 'only_in_first'`,
    );
    expect(inFirst).toHaveLength(1);
    expect(inSecond).toHaveLength(0);
  });

  it('creates a database under a given name and copies a template', async () => {
    const templateUrl = await server.createDatabase('harness_template');
    await query(templateUrl, 'create table copied (id int)');
    const copy = await server.createDatabase('harness_copy', { template: 'harness_template' });
    expect(databaseName(copy)).toBe('harness_copy');
    expect(await query(copy, `select 1 from pg_tables where tablename = 'copied'`)).toHaveLength(1);
  });

  it('refuses a database name that is not a plain identifier', async () => {
    await expect(server.createDatabase('x"; drop database postgres; --')).rejects.toBeInstanceOf(
      HarnessError,
    );
  });

  it('drops a database even while a client is still connected', async () => {
    const url = await server.createDatabase();
    const leaked = postgres(url, { max: 1 });
    await leaked`select 1`;
    await server.dropDatabase(databaseName(url));
    expect(await databaseExists(server.url, databaseName(url))).toBe(false);
    await leaked.end({ timeout: 1 }).catch(() => {});
  });

  it('leaves no process behind once stopped', async () => {
    const own = await startPostgres();
    const pid = own.pid;
    expect(isAlive(pid)).toBe(true);
    await own.stop();
    expect(isAlive(pid)).toBe(false);
  });
});

describe('startHarness', () => {
  it('starts nats, redis and a database together, and stops them all', async () => {
    const harness = await startHarness({ nats: true, redis: true, postgres: true });
    const pids = [harness.nats.pid, harness.redis.pid];
    const nc = await connect({ servers: harness.natsUrl });
    const redis = new Redis(harness.redisUrl);
    try {
      expect(await redis.ping()).toBe('PONG');
      nc.subscribe('ping', { callback: (_error, msg) => void msg.respond('pong') });
      expect((await nc.request('ping', '', { timeout: 5000 })).string()).toBe('pong');
      expect(await query(harness.databaseUrl, 'select 1 as one')).toEqual([{ one: 1 }]);
    } finally {
      await nc.close();
      redis.disconnect();
      await harness.stop();
    }
    expect(pids.filter(isAlive)).toEqual([]);
  });

  it('makes its database on the run-wide shared cluster and drops it when stopped', async () => {
    const adminUrl = process.env[SHARED_POSTGRES_ENV];
    expect(adminUrl).toBeDefined();
    const harness = await startHarness({ postgres: true });
    const name = databaseName(harness.databaseUrl);
    expect(harness.postgres).toBeUndefined();
    expect(new URL(harness.databaseUrl).port).toBe(new URL(adminUrl ?? '').port);
    expect(await databaseExists(adminUrl ?? '', name)).toBe(true);

    await harness.stop();

    expect(await databaseExists(adminUrl ?? '', name)).toBe(false);
  });

  it('gives each migrated harness its own database with the schema applied', async () => {
    const [first, second] = await Promise.all([
      startHarness({ migrate: true }),
      startHarness({ migrate: true }),
    ]);
    try {
      expect(first.databaseUrl).not.toBe(second.databaseUrl);
      for (const harness of [first, second]) {
        const tables = await query<{ tablename: string }>(
          harness.databaseUrl,
          `select tablename from pg_tables where tablename in ('accounts', 'groups') order by tablename`,
        );
        expect(tables.map((t) => t.tablename)).toEqual(['accounts', 'groups']);
      }
      await query(first.databaseUrl, 'create table only_in_first (id int)');
      expect(
        await query(
          second.databaseUrl,
          `select 1 from pg_tables where tablename = 'only_in_first'`,
        ),
      ).toHaveLength(0);
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
  });

  it('starts a cluster of its own when no shared one is configured', async () => {
    const shared = process.env[SHARED_POSTGRES_ENV];
    delete process.env[SHARED_POSTGRES_ENV];
    let harness;
    try {
      harness = await startHarness({ postgres: true });
    } finally {
      process.env[SHARED_POSTGRES_ENV] = shared;
    }
    const own = harness.postgres;
    expect(own).toBeDefined();
    expect(new URL(harness.databaseUrl).port).toBe(String(own?.port));
    expect(await query(harness.databaseUrl, 'select 1 as one')).toEqual([{ one: 1 }]);
    await harness.stop();
    expect(isAlive(own?.pid ?? -1)).toBe(false);
  });

  it('starts nothing it was not asked for', async () => {
    const harness = await startHarness({ redis: true });
    try {
      expect(harness.natsUrl).toBeUndefined();
      expect(harness.databaseUrl).toBeUndefined();
      expect(harness.redisUrl).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    } finally {
      await harness.stop();
    }
  });
});
