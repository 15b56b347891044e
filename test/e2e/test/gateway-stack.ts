import { randomBytes } from 'node:crypto';
import { connectBus, type Bus } from '@switchyard/bus';
import { Streams, type OpsError, type UsageRecorded } from '@switchyard/contracts';
import {
  createAccount,
  createApiKey,
  createCredentialCipher,
  createDb,
  createGroup,
  createUser,
  generateApiKey,
  type CredentialCipher,
  type Db,
} from '@switchyard/db';
import type { Platform } from '@switchyard/domain';
import { startHarness, type Harness } from '@switchyard/harness';
import { createRedis, type Redis } from '@switchyard/redis';
import { createUpstreamSim, type UpstreamSim } from '@switchyard/upstream-sim';
import { spawnService, type ServiceName, type ServiceProcess } from '@switchyard/e2e';

/**
 * The whole system as real processes for gateway e2e tests: NATS, Redis and Postgres from the
 * harness, the upstream simulator in this process, and snapshot-builder, scheduler(s) and
 * gateway(s) spawned from their built `dist/main.js`. Accounts are seeded in Postgres before
 * the builder starts, so its start-up rebuild already holds them.
 */
export type GatewayStack = {
  readonly harness: Harness<{ nats: true; redis: true; migrate: true }>;
  readonly sim: UpstreamSim;
  readonly db: Db;
  readonly cipher: CredentialCipher;
  readonly bus: Bus;
  readonly redis: Redis;
  readonly adminToken: string;
  readonly gateways: ServiceProcess[];
  readonly processes: ServiceProcess[];
  /** Base URL of the first gateway. */
  readonly url: string;
  stop(): Promise<void>;
};

export type SeedGroup = {
  readonly platform: Platform;
  /** One account per credential, named `<platform>-<n>`. */
  readonly credentials: readonly string[];
  /** Base URL path under the simulator (antigravity accounts use `/antigravity`). */
  readonly basePath?: string;
  readonly concurrency?: number;
  readonly modelMapping?: Record<string, string>;
  /**
   * OAuth accounts: the credential is the refresh token, the stored access token is already
   * expired, and the token endpoint is the simulator's, so the first call refreshes it.
   */
  readonly oauth?: boolean;
};

export type SeededGroup = {
  readonly groupId: number;
  readonly apiKey: string;
  /** Account id by credential. */
  readonly accounts: ReadonlyMap<string, number>;
};

export type StackOptions = {
  readonly groups: readonly SeedGroup[];
  readonly schedulers?: number;
  readonly gateways?: number;
  readonly env?: Record<string, string>;
};

async function waitReady(svc: ServiceProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await fetch(`${svc.url}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return;
    if (svc.child.exitCode !== null) {
      throw new Error(`${svc.name} exited (${svc.child.exitCode}):\n${svc.output()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${svc.name} not ready within ${timeoutMs} ms:\n${svc.output()}`);
}

export async function startGatewayStack(options: StackOptions): Promise<{
  stack: GatewayStack;
  seeded: SeededGroup[];
}> {
  const harness = await startHarness({ nats: true, redis: true, migrate: true });
  const sim = await createUpstreamSim();
  const adminToken = randomBytes(16).toString('hex');
  const credentialKey = randomBytes(32).toString('base64');
  const cipher = createCredentialCipher(credentialKey);
  const db = createDb({ url: harness.databaseUrl });
  const seeded = await seed(db, cipher, sim.url, options.groups);

  const env: Record<string, string> = {
    NATS_URL: harness.natsUrl,
    REDIS_URL: harness.redisUrl,
    DATABASE_URL: harness.databaseUrl,
    ADMIN_TOKEN: adminToken,
    CREDENTIAL_KEY: credentialKey,
    LOG_LEVEL: 'debug',
    ...options.env,
  };
  const processes: ServiceProcess[] = [];
  const start = async (name: ServiceName, instance: string) => {
    const svc = await spawnService(name, { ...env, SERVICE_INSTANCE_ID: instance });
    processes.push(svc);
    return svc;
  };
  const bus = await connectBus({ servers: harness.natsUrl, name: 'e2e' });
  const redis = createRedis({ url: harness.redisUrl });
  const stop = async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await bus.close();
    await redis.quit().catch(() => undefined);
    await db.destroy();
    await sim.close();
    await harness.stop();
  };
  try {
    const builder = await start('snapshot-builder', 'builder-1');
    await waitReady(builder);
    const schedulers = await Promise.all(
      Array.from({ length: options.schedulers ?? 1 }, (_, i) =>
        start('scheduler', `sched-${i + 1}`),
      ),
    );
    await Promise.all(schedulers.map((s) => waitReady(s)));
    const gateways = await Promise.all(
      Array.from({ length: options.gateways ?? 1 }, (_, i) => start('gateway', `gw-${i + 1}`)),
    );
    await Promise.all(gateways.map((g) => waitReady(g)));
    const stack: GatewayStack = {
      harness,
      sim,
      db,
      cipher,
      bus,
      redis,
      adminToken,
      gateways,
      processes,
      url: gateways[0]!.url,
      stop,
    };
    return { stack, seeded };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function seed(
  db: Db,
  cipher: CredentialCipher,
  simUrl: string,
  groups: readonly SeedGroup[],
): Promise<SeededGroup[]> {
  const user = await createUser(db.db, {
    email: `e2e-${randomBytes(4).toString('hex')}@test`,
    name: 'e2e',
  });
  const out: SeededGroup[] = [];
  for (const [i, g] of groups.entries()) {
    const group = await createGroup(db.db, {
      name: `e2e-${g.platform}-${i}`,
      platform: g.platform,
    });
    const accounts = new Map<string, number>();
    for (const [n, credential] of g.credentials.entries()) {
      const account = await createAccount(db.db, {
        name: `${g.platform}-${i}-${n + 1}`,
        platform: g.platform,
        type: g.oauth === true ? 'oauth' : 'apikey',
        credentialsEncrypted: cipher.encrypt(
          g.oauth === true
            ? {
                accessToken: `expired-${credential}`,
                refreshToken: credential,
                expiresAt: Date.now() - 1_000,
                tokenUrl: `${simUrl}/oauth/token`,
              }
            : { apiKey: credential },
        ),
        baseUrl: simUrl + (g.basePath ?? ''),
        concurrency: g.concurrency ?? 5,
        ...(g.modelMapping === undefined ? {} : { modelMapping: g.modelMapping }),
        groups: [group.id],
      });
      accounts.set(credential, account.id);
    }
    const key = generateApiKey();
    await createApiKey(db.db, {
      name: `e2e-${g.platform}-${i}`,
      keyHash: key.keyHash,
      keyPrefix: key.keyPrefix,
      groupId: group.id,
      userId: user.id,
    });
    out.push({ groupId: group.id, apiKey: key.key, accounts });
  }
  return out;
}

/** Every record in USAGE_EVENTS so far (the stream deduplicates by message id). */
export async function readUsageStream(
  bus: Bus,
): Promise<{ usage: UsageRecorded[]; errors: OpsError[] }> {
  const jsm = await bus.jsm();
  const info = await jsm.streams.info(Streams.usageEvents.name);
  const usage: UsageRecorded[] = [];
  const errors: OpsError[] = [];
  for (
    let seq = info.state.first_seq;
    seq <= info.state.last_seq && info.state.messages > 0;
    seq++
  ) {
    const msg = await jsm.streams.getMessage(Streams.usageEvents.name, { seq }).catch(() => null);
    if (msg === null) continue;
    const value = msg.json<UsageRecorded | OpsError>();
    if (msg.subject === 'usage.v1.recorded') usage.push(value as UsageRecorded);
    else errors.push(value as OpsError);
  }
  return { usage, errors };
}

/** Waits until `check` passes (records and events travel asynchronously). */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
