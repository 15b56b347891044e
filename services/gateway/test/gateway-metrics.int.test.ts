import { randomBytes } from 'node:crypto';
import { connectBus, type Bus } from '@switchyard/bus';
import { loadGatewayConfig, loadSchedulerConfig } from '@switchyard/config';
import {
  createAccount,
  createApiKey,
  createCredentialCipher,
  createDb,
  createGroup,
  createUser,
  generateApiKey,
  type Db,
} from '@switchyard/db';
import { startHarness, type Harness } from '@switchyard/harness';
import { closeRedis, createRedis, type Redis } from '@switchyard/redis';
import { createScheduler, type Scheduler } from '@switchyard/scheduler';
import { createLogger, createMetricsRegistry, type Registry } from '@switchyard/telemetry';
import { createUpstreamSim, type UpstreamSim } from '@switchyard/upstream-sim';
import { createGateway, type Gateway } from '../src/index.js';
import { listen, type TestServer } from './http-test-server.js';

const silent = createLogger({
  service: 'gateway',
  level: 'error',
  destination: { write: () => 0 },
});

type Sample = { value: number; labels: Record<string, string | number>; metricName?: string };

// The gateway's request series after real requests: the gateway app in this process on real
// NATS, Redis and Postgres, a scheduler replica in this process selecting from Postgres (no
// snapshot builder), and the upstream simulator answering as Anthropic.
describe('gateway request metrics', () => {
  let harness: Harness<{ nats: true; redis: true; migrate: true }>;
  let sim: UpstreamSim;
  let db: Db;
  let bus: Bus;
  let redis: Redis;
  let schedulerBus: Bus;
  let schedulerRedis: Redis;
  let scheduler: Scheduler;
  let gateway: Gateway;
  let server: TestServer;
  let registry: Registry;
  /** API keys: one healthy account; one answering 529 beside a healthy one; no account. */
  const keys = { served: '', failover: '', empty: '' };

  beforeAll(async () => {
    harness = await startHarness({ nats: true, redis: true, migrate: true });
    sim = await createUpstreamSim();
    db = createDb({ url: harness.databaseUrl });
    const credentialKey = randomBytes(32).toString('base64');
    const cipher = createCredentialCipher(credentialKey);
    const user = await createUser(db.db, { email: 'metrics@test', name: 'm' });
    const groups = { served: ['sk-m-ok'], failover: ['sk-m-529', 'sk-m-ok-2'], empty: [] };
    for (const [name, credentials] of Object.entries(groups) as [keyof typeof keys, string[]][]) {
      const group = await createGroup(db.db, { name: `metrics-${name}`, platform: 'anthropic' });
      for (const credential of credentials) {
        await createAccount(db.db, {
          name: credential,
          platform: 'anthropic',
          type: 'apikey',
          credentialsEncrypted: cipher.encrypt({ apiKey: credential }),
          baseUrl: sim.url,
          concurrency: 5,
          groups: [group.id],
        });
      }
      const key = generateApiKey();
      await createApiKey(db.db, {
        name: `metrics-${name}`,
        keyHash: key.keyHash,
        keyPrefix: key.keyPrefix,
        groupId: group.id,
        userId: user.id,
      });
      keys[name] = key.key;
    }
    sim.control.setCredential('sk-m-529', { faults: [{ status: 529 }] });

    const infra = { NATS_URL: harness.natsUrl, REDIS_URL: harness.redisUrl };
    schedulerBus = await connectBus({ servers: harness.natsUrl, name: 'metrics-scheduler' });
    schedulerRedis = createRedis({ url: harness.redisUrl, name: 'metrics-scheduler' });
    scheduler = createScheduler({
      config: loadSchedulerConfig({
        ...infra,
        DATABASE_URL: harness.databaseUrl,
        SERVICE_INSTANCE_ID: 'sched-metrics',
      }),
      bus: schedulerBus,
      redis: schedulerRedis,
      db,
      logger: silent,
      tuning: { resyncIntervalMs: 0 },
    });
    await scheduler.start();

    bus = await connectBus({ servers: harness.natsUrl, name: 'metrics-gateway' });
    redis = createRedis({ url: harness.redisUrl });
    registry = createMetricsRegistry({ service: 'gateway', instance: 'gw-metrics' });
    const config = loadGatewayConfig({
      ...infra,
      DATABASE_URL: harness.databaseUrl,
      ADMIN_TOKEN: randomBytes(16).toString('hex'),
      CREDENTIAL_KEY: credentialKey,
    });
    gateway = await createGateway({ config, logger: silent, bus, redis, db, registry });
    server = await listen(gateway.app, gateway.requestClasses);
  });

  afterAll(async () => {
    await server?.close();
    await gateway?.stop();
    await bus?.close();
    await scheduler?.stop();
    await schedulerBus?.close();
    if (schedulerRedis !== undefined) await closeRedis(schedulerRedis);
    await redis?.quit();
    await db?.destroy();
    await sim?.close();
    await harness?.stop();
  });

  function ask(key: string, extra: Record<string, unknown> = {}) {
    return fetch(`${server.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: JSON.stringify({
        model: 'claude-sonnet-4-6',
        max_tokens: 8,
        messages: [{ role: 'user', content: `question ${randomBytes(4).toString('hex')}` }],
        ...extra,
      }),
    });
  }

  /** Sum of the series of `name` whose labels include `labels`; a histogram's `_count`. */
  async function count(name: string, labels: Record<string, string> = {}): Promise<number> {
    const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
    if (metric === undefined) throw new Error(`no metric ${name}`);
    // A histogram's samples name their series (`_bucket`, `_sum`, `_count`); a counter's do not.
    const wanted = String(metric.type) === 'histogram' ? `${name}_count` : undefined;
    return (metric.values as Sample[])
      .filter(
        (v) =>
          (wanted === undefined || v.metricName === wanted) &&
          Object.entries(labels).every(([k, value]) => v.labels[k] === value),
      )
      .reduce((sum, v) => sum + v.value, 0);
  }

  const series = {
    requests: 'gateway_requests_total',
    duration: 'gateway_request_duration_seconds',
    select: 'gateway_select_duration_seconds',
    firstByte: 'gateway_upstream_first_byte_seconds',
    attempts: 'gateway_attempts_total',
    failovers: 'gateway_failovers_total',
  } as const;

  /** What the series the tests look at hold now, to compare before and after. */
  async function snapshot() {
    return {
      ok: await count(series.requests, { format: 'anthropic', status_class: '2xx' }),
      refused: await count(series.requests, { format: 'anthropic', status_class: '4xx' }),
      openaiRefused: await count(series.requests, { format: 'openai', status_class: '4xx' }),
      all: await count(series.requests),
      whole: await count(series.duration, { format: 'anthropic', stream: 'false' }),
      streamed: await count(series.duration, { format: 'anthropic', stream: 'true' }),
      slot: await count(series.select, { outcome: 'slot' }),
      noAccount: await count(series.select, { outcome: 'no_account' }),
      firstByte: await count(series.firstByte, { platform: 'anthropic' }),
      served: await count(series.attempts, { platform: 'anthropic', outcome: 'served' }),
      failover: await count(series.attempts, { platform: 'anthropic', outcome: 'failover' }),
      overloaded: await count(series.failovers, { platform: 'anthropic', reason: '529' }),
    };
  }

  it('counts a served request, streamed or not, with its select, attempt and first byte', async () => {
    const before = await snapshot();
    const whole = await ask(keys.served);
    expect(whole.status).toBe(200);
    await whole.arrayBuffer();
    const stream = await ask(keys.served, { stream: true });
    expect(stream.status).toBe(200);
    expect(await stream.text()).toContain('message_stop');
    const after = await snapshot();
    expect(after).toEqual({
      ...before,
      ok: before.ok + 2,
      all: before.all + 2,
      whole: before.whole + 1,
      streamed: before.streamed + 1,
      slot: before.slot + 2,
      firstByte: before.firstByte + 2,
      served: before.served + 2,
    });
    const text = await registry.getSingleMetricAsString(series.duration);
    // As Prometheus scrapes it: the service's labels first, then the series' own.
    expect(text).toMatch(
      /\ngateway_request_duration_seconds_count\{service="gateway",instance="gw-metrics",format="anthropic",stream="true"\} [1-9]/,
    );
  });

  it('counts an account answering 529 as one failover, and the request as served', async () => {
    const before = await snapshot();
    // Selection is weighted at random: ask until the 529 account was drawn once (each request
    // draws it first with p = 1/2; after its 529 it is overloaded and left alone).
    let sent = 0;
    while (sim.control.requests({ credential: 'sk-m-529' }).length === 0 && sent < 40) {
      const res = await ask(keys.failover);
      expect(res.status).toBe(200);
      await res.arrayBuffer();
      sent++;
    }
    expect(sim.control.requests({ credential: 'sk-m-529' })).toHaveLength(1);
    const after = await snapshot();
    expect(after).toEqual({
      ...before,
      ok: before.ok + sent,
      all: before.all + sent,
      whole: before.whole + sent,
      // One more select and attempt than requests: the one that failed over.
      slot: before.slot + sent + 1,
      firstByte: before.firstByte + sent,
      served: before.served + sent,
      failover: before.failover + 1,
      overloaded: before.overloaded + 1,
    });
  });

  it('counts refused keys and bodies per client format, without timing them', async () => {
    const before = await snapshot();
    expect((await ask('sk-not-a-key')).status).toBe(401);
    const openai = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-5', messages: [] }),
    });
    expect(openai.status).toBe(401);
    const malformed = await fetch(`${server.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': keys.served },
      body: '{"model":',
    });
    expect(malformed.status).toBe(400);
    const after = await snapshot();
    expect(after).toEqual({
      ...before,
      refused: before.refused + 2,
      openaiRefused: before.openaiRefused + 1,
      all: before.all + 3,
    });
  });

  it('counts a request no account can serve under its select outcome', async () => {
    const before = await snapshot();
    const res = await ask(keys.empty);
    // No account of the group serves the model: the client's mistake, told as such.
    expect(res.status).toBe(400);
    const after = await snapshot();
    expect(after).toEqual({
      ...before,
      refused: before.refused + 1,
      all: before.all + 1,
      whole: before.whole + 1,
      noAccount: before.noAccount + 1,
    });
  });

  it('counts an unknown path as a 4xx request', async () => {
    const before = await snapshot();
    const res = await fetch(`${server.url}/v1/nothing-here`, { method: 'POST' });
    expect(res.status).toBe(404);
    expect(await snapshot()).toEqual({
      ...before,
      openaiRefused: before.openaiRefused + 1,
      all: before.all + 1,
    });
  });
});
