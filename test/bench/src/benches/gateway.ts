import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { createInterface } from 'node:readline';
import {
  createAccount,
  createApiKey,
  createCredentialCipher,
  createDb,
  createGroup,
  createUser,
  generateApiKey,
} from '@switchyard/db';
import { connectBus, createSchedulerClient } from '@switchyard/bus';
import { freePort, startHarness } from '@switchyard/harness';
import { KeyBuilder, createRedis, createSlotClient } from '@switchyard/redis';
import type { Bench } from '../bench.js';
import type { BenchRow } from '../report.js';
import { percentile, summarizeNs } from '../stats.js';

// Sequential: 5,000 pairs, each one call direct then the same call through the gateway, so
// drift over the run (JIT, GC, other load on the machine) lands on both sides alike.
const PAIRS = 5_000;
const WARMUP = 500;
// Saturation: 64 clients in a closed loop for 5 s.
const CONCURRENCY = 64;
const SATURATION_MS = 5_000;
const ACCOUNTS = 4;
// 4 × 32 slots: the pool never limits the 64 clients, so the figure is the gateway's own.
const ACCOUNT_CONCURRENCY = 32;

/** A small Messages request; `n` varies the opening, so each saturating client is its own session. */
function body(n: number): string {
  return JSON.stringify({
    model: 'claude-sonnet-4-6',
    max_tokens: 16,
    messages: [{ role: 'user', content: `ping ${n}` }],
  });
}

type Target = { host: string; port: number; headers: Record<string, string> };

// One keep-alive agent per target: the client side costs the same on both paths. `n` fixes the
// request's opening (its session); `fresh` gives every call a new one instead.
function poster(
  url: string,
  headers: Record<string, string>,
  n = 0,
  fresh = false,
): () => Promise<void> {
  const u = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY * 2 });
  const target: Target = {
    host: u.hostname,
    port: Number(u.port),
    headers: {
      'content-type': 'application/json',
      'anthropic-version': '2023-06-01',
      ...headers,
    },
  };
  const fixed = body(n);
  let next = n;
  return () =>
    new Promise<void>((resolve, reject) => {
      const payload = fresh ? body(next++) : fixed;
      const req = request(
        {
          host: target.host,
          port: target.port,
          method: 'POST',
          path: '/v1/messages',
          agent,
          headers: { ...target.headers, 'content-length': String(Buffer.byteLength(payload)) },
        },
        (res) => {
          res.on('data', () => undefined);
          res.once('end', () =>
            res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`)),
          );
          res.once('error', reject);
        },
      );
      req.once('error', reject);
      req.end(payload);
    });
}

type Proc = { child: ChildProcess; url: string; stop(): Promise<void> };

/** Starts a built service or the simulator and waits until it answers /readyz. */
async function startProcess(
  script: string,
  args: string[],
  env: Record<string, string>,
  port: number,
): Promise<Proc> {
  const child = spawn(process.execPath, [script, ...args], {
    env: { PATH: process.env.PATH ?? '', HTTP_HOST: '127.0.0.1', HTTP_PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Drain output (a full pipe would block the child); keep errors visible.
  createInterface({ input: child.stdout! }).on('line', (l) => {
    if (l.includes('"level":"error"')) process.stderr.write(`[${script}] ${l}\n`);
  });
  const name = script.split('/')[1] ?? script;
  createInterface({ input: child.stderr! }).on('line', (l) =>
    process.stderr.write(`[${name}] ${l}\n`),
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${script} exited with ${child.exitCode}`);
    const ok = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`${script} not ready`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    child,
    url,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Sum and count of one Prometheus histogram's series whose labels include `labels`. */
async function histogramTotals(
  metricsUrl: string,
  name: string,
  labels: string,
): Promise<{ sum: number; count: number }> {
  const text = await (await fetch(metricsUrl)).text();
  const total = (suffix: string): number => {
    let value = 0;
    for (const line of text.split('\n')) {
      if (line.startsWith(`${name}_${suffix}{`) && line.includes(labels)) {
        value += Number(line.slice(line.lastIndexOf(' ') + 1));
      }
    }
    return value;
  };
  return { sum: total('sum'), count: total('count') };
}

async function timed(op: () => Promise<unknown>, into: number[]): Promise<void> {
  const t0 = process.hrtime.bigint();
  await op();
  into.push(Number(process.hrtime.bigint() - t0));
}

/** Closed loop: `workers` clients each sending the next request as soon as the last answered. */
async function saturate(
  op: (worker: number) => () => Promise<void>,
  workers: number,
  ms: number,
): Promise<{ perSec: number; samples: number[]; errors: number }> {
  const samples: number[] = [];
  let errors = 0;
  const until = performance.now() + ms;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      const call = op(worker);
      while (performance.now() < until) {
        const t0 = process.hrtime.bigint();
        try {
          await call();
          samples.push(Number(process.hrtime.bigint() - t0));
        } catch {
          errors++;
        }
      }
    }),
  );
  return { perSec: samples.length / ((performance.now() - started) / 1000), samples, errors };
}

function row(name: string, samplesNs: number[], extra: Partial<BenchRow> = {}): BenchRow {
  const s = summarizeNs(samplesNs);
  return { case: name, p50Us: s.p50Us, p99Us: s.p99Us, throughputPerSec: 1e6 / s.meanUs, ...extra };
}

/**
 * The latency the gateway adds to a small non-streamed Anthropic Messages call: the same
 * request sent to the simulator directly and through the gateway (real processes: gateway,
 * scheduler, snapshot-builder, simulator; NATS, Redis, Postgres), sequentially in one run —
 * one conversation repeated (its turns under the scheduler's session lease) and a new
 * conversation per call (each one selecting) —, then small calls at saturation (64 concurrent
 * clients, a conversation each) through the gateway, with their p99.
 */
export const gatewayBench: Bench = {
  name: 'gateway',
  description:
    'latency the gateway adds over calling the upstream directly, and throughput at saturation',
  async run() {
    const harness = await startHarness({ nats: true, redis: true, migrate: true });
    const procs: Proc[] = [];
    const db = createDb({ url: harness.databaseUrl });
    try {
      // The simulator's CLI listens on --port and answers /readyz there too.
      const simPort = await freePort();
      const sim = await startProcess(
        'test/upstream-sim/dist/main.js',
        ['--port', String(simPort)],
        {},
        simPort,
      );
      procs.push(sim);
      const simUrl = sim.url;
      const credentialKey = randomBytes(32).toString('base64');
      const cipher = createCredentialCipher(credentialKey);
      const user = await createUser(db.db, { email: 'bench@switchyard.local', name: 'bench' });
      const group = await createGroup(db.db, { name: 'bench', platform: 'anthropic' });
      for (let i = 1; i <= ACCOUNTS; i++) {
        await createAccount(db.db, {
          name: `bench-${i}`,
          platform: 'anthropic',
          type: 'apikey',
          credentialsEncrypted: cipher.encrypt({ apiKey: `sk-bench-${i}` }),
          baseUrl: simUrl,
          concurrency: ACCOUNT_CONCURRENCY,
          groups: [group.id],
        });
      }
      const key = generateApiKey();
      await createApiKey(db.db, {
        name: 'bench',
        keyHash: key.keyHash,
        keyPrefix: key.keyPrefix,
        groupId: group.id,
        userId: user.id,
      });
      const env = {
        NATS_URL: harness.natsUrl,
        REDIS_URL: harness.redisUrl,
        DATABASE_URL: harness.databaseUrl,
        ADMIN_TOKEN: randomBytes(16).toString('hex'),
        CREDENTIAL_KEY: credentialKey,
        LOG_LEVEL: 'warn',
      };
      procs.push(
        await startProcess('services/snapshot-builder/dist/main.js', [], env, await freePort()),
      );
      procs.push(await startProcess('services/scheduler/dist/main.js', [], env, await freePort()));
      const gateway = await startProcess(
        'services/gateway/dist/main.js',
        [],
        env,
        await freePort(),
      );
      procs.push(gateway);

      // The floor of any proxy hop on this machine: a bare Node relay (bare-proxy-process.ts).
      const proxyPort = await freePort();
      const proxy = await startProcess(
        'test/bench/dist/benches/bare-proxy-process.js',
        [String(proxyPort), simUrl, 'sk-bench-1'],
        {},
        proxyPort,
      );
      procs.push(proxy);

      const direct = poster(simUrl, { 'x-api-key': 'sk-bench-1' });
      const viaProxy = poster(proxy.url, {});
      // The same conversation on every call: after the first, its turns go under the session
      // lease the scheduler grants (no select; the slot the gateway kept from the turn before,
      // else one it takes in Redis).
      const viaGateway = poster(gateway.url, { 'x-api-key': key.key });
      // A new conversation on every call: each one selects through the scheduler.
      const viaGatewayNewSession = poster(gateway.url, { 'x-api-key': key.key }, 1_000_000, true);
      for (let i = 0; i < WARMUP; i++) {
        await direct();
        await viaProxy();
        await viaGateway();
        await viaGatewayNewSession();
      }
      // What the scheduler round trip costs on its own here, for attribution.
      const bus = await connectBus({ servers: harness.natsUrl, name: 'bench-gateway' });
      const redis = createRedis({ url: harness.redisUrl });
      const scheduler = createSchedulerClient(bus.nc, { timeoutMs: 1_000 });
      const slots = createSlotClient(redis, new KeyBuilder());
      let selects = 0;
      const selectRelease = async () => {
        const result = await scheduler.select({
          requestId: `bench-select-${selects++}`,
          groupId: group.id,
          platform: 'anthropic',
          model: 'claude-sonnet-4-6',
          sessionHash: 'bench-select-session',
        });
        if (result.slot !== undefined) await slots.release(result.account.id, result.slot.token);
      };
      const directNs: number[] = [];
      const proxyNs: number[] = [];
      const gatewayNs: number[] = [];
      const newSessionNs: number[] = [];
      const selectNs: number[] = [];
      for (let i = 0; i < WARMUP; i++) await selectRelease();
      // The gateway's own view of its scheduler round trips during the sequential phase (its
      // Prometheus histogram: a mean, exact from sum and count).
      const metricsUrl = `${gateway.url}/metrics`;
      const series = 'gateway_select_duration_seconds';
      const before = {
        slot: await histogramTotals(metricsUrl, series, 'outcome="slot"'),
        lease: await histogramTotals(metricsUrl, series, 'outcome="lease"'),
        lease_kept: await histogramTotals(metricsUrl, series, 'outcome="lease_kept"'),
      };
      for (let i = 0; i < PAIRS; i++) {
        await timed(direct, directNs);
        await timed(viaProxy, proxyNs);
        await timed(viaGateway, gatewayNs);
        await timed(viaGatewayNewSession, newSessionNs);
        if (i % 5 === 0) await timed(selectRelease, selectNs);
      }
      const meanSince = async (outcome: keyof typeof before) => {
        const after = await histogramTotals(metricsUrl, series, `outcome="${outcome}"`);
        const count = after.count - before[outcome].count;
        const meanUs = Math.round(((after.sum - before[outcome].sum) / Math.max(1, count)) * 1e8);
        return { count, meanUs: meanUs / 100 };
      };
      const selected = await meanSince('slot');
      const leased = await meanSince('lease');
      const kept = await meanSince('lease_kept');
      await bus.close();
      await redis.quit();
      const d = summarizeNs(directNs);
      const g = summarizeNs(gatewayNs);
      const fresh = summarizeNs(newSessionNs);
      const bare = summarizeNs(proxyNs);
      const addedP50 = Math.round((g.p50Us - d.p50Us) * 100) / 100;
      const addedP99 = Math.round((g.p99Us - d.p99Us) * 100) / 100;

      const satDirect = await saturate(
        (w) => poster(simUrl, { 'x-api-key': `sk-bench-${1 + (w % ACCOUNTS)}` }, w),
        CONCURRENCY,
        SATURATION_MS,
      );
      const satGateway = await saturate(
        (w) => poster(gateway.url, { 'x-api-key': key.key }, w),
        CONCURRENCY,
        SATURATION_MS,
      );
      const p99 = (s: number[]) =>
        Math.round(percentile(Float64Array.from(s).sort(), 99) / 10) / 100;
      return {
        rows: [
          row('direct to simulator (sequential)', directNs),
          row('through gateway (sequential)', gatewayNs, {
            baseline: 'direct to simulator (sequential)',
          }),
          {
            case: 'added by the gateway (sequential)',
            p50Us: addedP50,
            p99Us: addedP99,
            target: 'p50 ≤ 600 µs',
            note: 'one conversation: its turns under the session lease',
          },
          row('through gateway, a new session per call (sequential)', newSessionNs, {
            baseline: 'direct to simulator (sequential)',
          }),
          {
            case: 'added by the gateway, a new session per call (sequential)',
            p50Us: Math.round((fresh.p50Us - d.p50Us) * 100) / 100,
            p99Us: Math.round((fresh.p99Us - d.p99Us) * 100) / 100,
            note: 'every call selects through the scheduler (no lease)',
          },
          row('through a bare Node proxy (sequential)', proxyNs, {
            baseline: 'direct to simulator (sequential)',
            note: 'HTTP server + undici pool, nothing else: the floor of a proxy hop here',
          }),
          {
            case: 'added by a bare proxy hop (sequential)',
            p50Us: Math.round((bare.p50Us - d.p50Us) * 100) / 100,
            p99Us: Math.round((bare.p99Us - d.p99Us) * 100) / 100,
            note: `the gateway adds ${Math.round((g.p50Us - bare.p50Us) * 100) / 100} µs p50 beyond it`,
          },
          {
            case: 'of which: the account and slot, inside the gateway (mean)',
            note: `select round trip ${selected.meanUs} µs over ${selected.count} selects; under a lease: slot taken in Redis ${leased.meanUs} µs over ${leased.count}, kept slot ${kept.meanUs} µs over ${kept.count} (gateway_select_duration_seconds)`,
          },
          row('scheduler select + slot release from the bench process', selectNs, {
            note: 'same run, one every 5th request: the scheduler and nats-server idle in between',
          }),
          {
            case: `direct, ${CONCURRENCY} concurrent`,
            p99Us: p99(satDirect.samples),
            throughputPerSec: satDirect.perSec,
            note: `${satDirect.errors} errors`,
          },
          {
            case: `through gateway, ${CONCURRENCY} concurrent`,
            p99Us: p99(satGateway.samples),
            throughputPerSec: satGateway.perSec,
            note: `${satGateway.errors} errors`,
          },
        ],
        extra: {
          sequentialPairs: PAIRS,
          selectsInGateway: selected,
          leasedInGateway: leased,
          keptInGateway: kept,
          saturationMs: SATURATION_MS,
          accounts: ACCOUNTS,
        },
      };
    } finally {
      for (const p of procs.reverse()) await p.stop().catch(() => undefined);
      await db.destroy();
      await harness.stop();
    }
  },
};
