import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { connectBus, createSchedulerClient, type Bus } from '@switchyard/bus';
import { loadGatewayConfig } from '@switchyard/config';
import type { SelectRequestInput, SelectResult } from '@switchyard/contracts';
import {
  createApiKey,
  createDb,
  createGroup,
  createUser,
  generateApiKey,
  type Db,
} from '@switchyard/db';
import { startHarness, type Harness } from '@switchyard/harness';
import {
  createRedis,
  createSlotClient,
  KeyBuilder,
  type Redis,
  type SlotClient,
} from '@switchyard/redis';
import { createLogger } from '@switchyard/telemetry';
import {
  ClientGone,
  ClientGoneError,
  acquireAccount,
  createGateway,
  GatewayError,
  LeaseSlotStock,
  SessionLeases,
  type Gateway,
} from '../src/index.js';
import { eventually, listen, type TestServer } from './http-test-server.js';

// The gateway wired on real NATS, Redis and Postgres, with no scheduler running: every refusal
// the client can get before an upstream is involved, in its own API's error format.
describe('gateway routing without a scheduler', () => {
  let harness: Harness<{ nats: true; redis: true; migrate: true }>;
  let bus: Bus;
  let redis: Redis;
  let db: Db;
  let gateway: Gateway;
  let server: TestServer;
  let anthropicKey: string;
  let openaiKey: string;

  beforeAll(async () => {
    harness = await startHarness({ nats: true, redis: true, migrate: true });
    db = createDb({ url: harness.databaseUrl });
    bus = await connectBus({ servers: harness.natsUrl, name: 'relay-routing-test' });
    redis = createRedis({ url: harness.redisUrl });
    const user = await createUser(db.db, { email: 'routing@test', name: 'r' });
    for (const platform of ['anthropic', 'openai'] as const) {
      const group = await createGroup(db.db, { name: `g-${platform}`, platform });
      const key = generateApiKey();
      await createApiKey(db.db, {
        name: platform,
        keyHash: key.keyHash,
        keyPrefix: key.keyPrefix,
        groupId: group.id,
        userId: user.id,
      });
      if (platform === 'anthropic') anthropicKey = key.key;
      else openaiKey = key.key;
    }
    const config = loadGatewayConfig({
      NATS_URL: harness.natsUrl,
      REDIS_URL: harness.redisUrl,
      DATABASE_URL: harness.databaseUrl,
      ADMIN_TOKEN: randomBytes(16).toString('hex'),
      CREDENTIAL_KEY: randomBytes(32).toString('base64'),
      BODY_LIMIT_BYTES: '2048',
    });
    const logger = createLogger({
      service: 'gateway',
      level: 'error',
      destination: { write: () => 0 },
    });
    gateway = await createGateway({ config, logger, bus, redis, db });
    server = await listen(gateway.app, gateway.requestClasses);
  });

  afterAll(async () => {
    await server?.close();
    await gateway?.stop();
    await bus?.close();
    await redis?.quit();
    await db?.destroy();
    await harness?.stop();
  });

  function post(path: string, key: string, body: unknown, headers: Record<string, string> = {}) {
    return fetch(server.url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  }

  const message = {
    model: 'claude-sonnet-4-6',
    max_tokens: 8,
    messages: [{ role: 'user', content: 'hi' }],
  };

  it('answers 503 in the Anthropic format within a second when no scheduler answers', async () => {
    const started = performance.now();
    const res = await post('/v1/messages', anthropicKey, message);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      type: 'error',
      error: { type: 'api_error', message: expect.stringContaining('scheduler') },
      request_id: expect.any(String),
    });
  });

  it('refuses a missing or mistyped model with 400 before routing', async () => {
    const missing = await post('/v1/messages', anthropicKey, { ...message, model: undefined });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'model: Field required' },
    });
    const wrong = await post('/v1/chat/completions', openaiKey, { model: 42, messages: [] });
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({
      error: { type: 'invalid_request_error', param: 'model' },
    });
    const stream = await post('/v1/messages', anthropicKey, { ...message, stream: 'yes' });
    expect(stream.status).toBe(400);
  });

  it('refuses malformed JSON, a non-object body and a body over the limit in the client format', async () => {
    expect((await post('/v1/chat/completions', openaiKey, '{"model":')).status).toBe(400);
    const array = await post('/v1/messages', anthropicKey, '[1,2]');
    expect(array.status).toBe(400);
    expect(await array.json()).toMatchObject({ type: 'error' });
    const big = await post('/v1beta/models/gemini-2.5-flash:generateContent', anthropicKey, {
      contents: ['x'.repeat(4096)],
    });
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ error: { code: 413, status: expect.any(String) } });
  });

  it('reads a compressed body, and counts a body sent without a length against the limit', async () => {
    const gz = await fetch(server.url + '/v1/messages', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
        'x-api-key': anthropicKey,
      },
      body: gzipSync(JSON.stringify({ messages: [] })),
    });
    expect(gz.status).toBe(400);
    expect(await gz.json()).toMatchObject({ error: { message: 'model: Field required' } });
    const chunked = await fetch(server.url + '/v1/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': anthropicKey },
      body: new Blob([JSON.stringify({ ...message, pad: 'x'.repeat(4096) })]).stream(),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
  });

  it('answers an unknown route 404 in the format its path suggests', async () => {
    const openai = await post('/v1/nothing', openaiKey, {});
    expect(openai.status).toBe(404);
    expect(await openai.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
    const gemini = await fetch(`${server.url}/v1beta/models/gemini-2.5-flash:generateContent`);
    expect(gemini.status).toBe(404);
    expect(await gemini.json()).toMatchObject({ error: { code: 404, status: 'NOT_FOUND' } });
  });

  it('refuses a key whose group cannot speak the API it called', async () => {
    const res = await post('/v1/chat/completions', anthropicKey, { model: 'gpt-5', messages: [] });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: { message: expect.stringContaining('anthropic group') },
    });
  });

  it('records every refusal as one ops error, without a platform when it came before routing', async () => {
    const jsm = await bus.jsm();
    const errors = await (async () => {
      for (let i = 0; ; i++) {
        const info = await jsm.streams.info('USAGE_EVENTS');
        if (info.state.messages >= 12 || i > 50) {
          const out = [];
          for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
            const msg = await jsm.streams.getMessage('USAGE_EVENTS', { seq });
            if (msg !== null) out.push(msg.json<Record<string, unknown>>());
          }
          return out;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    // 1 scheduler outage + 3 bad fields + 3 bad bodies + 2 more + 2 unknown routes + 1 platform
    // mismatch, above.
    expect(errors).toHaveLength(12);
    expect(new Set(errors.map((e) => e.requestId)).size).toBe(12);
    expect(errors.filter((e) => e.statusCode === 404)).toHaveLength(2);
    const routed = errors.filter((e) => e.platform !== null);
    expect(routed).toEqual([
      expect.objectContaining({
        phase: 'routing',
        statusCode: 503,
        errorOwner: 'platform',
        platform: 'anthropic',
      }),
    ]);
    for (const e of errors.filter((x) => x.platform === null)) {
      expect(e).toMatchObject({ phase: 'routing', errorOwner: 'client', isBusinessLimited: false });
    }
  });

  it('maps scheduler failures: none answering is scheduler_unavailable', async () => {
    const scheduler = createSchedulerClient(bus.nc, { timeoutMs: 300 });
    const slots = createSlotClient(redis, new KeyBuilder('sy:'));
    await expect(
      acquireAccount(
        { scheduler, slots },
        { requestId: 'r-1', groupId: 1, platform: 'anthropic' },
        new AbortController().signal,
      ),
    ).rejects.toMatchObject({ code: 'scheduler_unavailable', httpStatus: 503 });
  });
});

// acquireAccount against a real Redis, with the scheduler's answers given.
describe('acquireAccount', () => {
  let harness: Harness<{ redis: true }>;
  let redis: Redis;

  beforeAll(async () => {
    harness = await startHarness({ redis: true });
    redis = createRedis({ url: harness.redisUrl });
  });
  afterAll(async () => {
    await redis?.quit();
    await harness?.stop();
  });

  describe('with a wait plan', () => {
    const keys = new KeyBuilder('wait-test:');

    const planFor = (accountId: number, maxWaiting: number, timeoutMs: number): SelectResult => ({
      account: { id: accountId, platform: 'anthropic', type: 'apikey', concurrency: 1 },
      decision: { layer: 'session', candidateCount: 1, topK: 0, loadSkew: 0, escapeReason: null },
      waitPlan: { accountId, maxConcurrency: 1, timeoutMs, maxWaiting },
    });
    const selector = (result: SelectResult) => ({ select: () => Promise.resolve(result) });

    it('waits in the queue and takes the slot once its holder frees it', async () => {
      const slots = createSlotClient(redis, keys);
      expect(await slots.acquire(7, 'holder', 1)).not.toBeNull();
      const events: string[] = [];
      const waiting = acquireAccount(
        { scheduler: selector(planFor(7, 3, 5_000)), slots },
        { requestId: 'waiter', groupId: 1, platform: 'anthropic' },
        new AbortController().signal,
        { onWaitStart: () => events.push('start'), onWaitEnd: () => events.push('end') },
      );
      await new Promise((r) => setTimeout(r, 100));
      expect(await redis.zscore(keys.waiting(7), 'waiter')).not.toBeNull();
      await slots.release(7, 'holder');
      const acquired = await waiting;
      expect(acquired).toMatchObject({ token: 'waiter', account: { id: 7 } });
      expect(await redis.zscore(keys.slots(7), 'waiter')).not.toBeNull();
      expect(await redis.zscore(keys.waiting(7), 'waiter')).toBeNull();
      expect(events).toEqual(['start', 'end']);
    });

    it('refuses with a business-limited 429 when the queue is full, and after the plan timeout', async () => {
      const slots = createSlotClient(redis, keys);
      await slots.acquire(8, 'holder', 1);
      await slots.enterWait(8, 'other', { maxWaiting: 1, timeoutMs: 10_000 });
      const full = acquireAccount(
        { scheduler: selector(planFor(8, 1, 1_000)), slots },
        { requestId: 'late', groupId: 1, platform: 'anthropic' },
        new AbortController().signal,
      );
      await expect(full).rejects.toMatchObject({
        code: 'rate_limited',
        reason: 'wait_queue_full',
        businessLimited: true,
      });
      const timedOut = acquireAccount(
        { scheduler: selector(planFor(8, 5, 200)), slots },
        { requestId: 'patient', groupId: 1, platform: 'anthropic' },
        new AbortController().signal,
      );
      await expect(timedOut).rejects.toBeInstanceOf(GatewayError);
      await expect(timedOut).rejects.toMatchObject({ reason: 'wait_timeout', httpStatus: 429 });
      expect(await redis.zscore(keys.waiting(8), 'patient')).toBeNull();
    });

    it('releases the slot a select took for a client that went away meanwhile', async () => {
      const slots = createSlotClient(redis, keys);
      const gone = new ClientGone();
      // The scheduler takes the slot and answers after the client left.
      const scheduler = {
        select: async () => {
          expect(await slots.acquire(9, 'left', 1)).not.toBeNull();
          gone.abort();
          return {
            account: { id: 9, platform: 'anthropic', type: 'apikey', concurrency: 1 },
            decision: {
              layer: 'load_balance',
              candidateCount: 1,
              topK: 1,
              loadSkew: 0,
              escapeReason: null,
            },
            slot: { acquired: true, token: 'left', expiresAt: Date.now() + 60_000 },
          } satisfies SelectResult;
        },
      };
      await expect(
        acquireAccount(
          { scheduler, slots },
          { requestId: 'left', groupId: 1, platform: 'anthropic' },
          gone,
        ),
      ).rejects.toBeInstanceOf(ClientGoneError);
      await eventually(async () => (await redis.zcard(keys.slots(9))) === 0);
    });

    it('stops waiting as soon as the client goes away', async () => {
      const slots = createSlotClient(redis, keys);
      await slots.acquire(10, 'holder', 1);
      const gone = new ClientGone();
      const waiting = acquireAccount(
        { scheduler: selector(planFor(10, 3, 10_000)), slots },
        { requestId: 'quitter', groupId: 1, platform: 'anthropic' },
        gone,
      );
      await eventually(async () => (await redis.zscore(keys.waiting(10), 'quitter')) !== null);
      gone.abort();
      await expect(waiting).rejects.toBeInstanceOf(ClientGoneError);
      expect(await redis.zscore(keys.waiting(10), 'quitter')).toBeNull();
      expect(await redis.zscore(keys.slots(10), 'quitter')).toBeNull();
    });
  });

  describe('under a session lease', () => {
    const keys = new KeyBuilder('lease-test:');

    const account = (id: number, concurrency: number) =>
      ({ id, platform: 'anthropic', type: 'apikey', concurrency }) as const;

    /**
     * A scheduler that answers every select with a slot on `id` (taken in Redis, as the real one
     * does) and a lease, or with a wait plan once the account is full; it counts its selects.
     */
    function leasingScheduler(
      id: number,
      concurrency: number,
      slots = createSlotClient(redis, keys),
    ) {
      const scheduler = {
        selects: 0,
        async select(req: SelectRequestInput): Promise<SelectResult> {
          scheduler.selects++;
          const decision = {
            layer: 'session',
            candidateCount: 3,
            topK: 7,
            loadSkew: 0,
            escapeReason: null,
          } as const;
          const held = await slots.acquire(id, req.requestId, concurrency);
          if (held === null) {
            return {
              account: account(id, concurrency),
              decision,
              waitPlan: {
                accountId: id,
                maxConcurrency: concurrency,
                timeoutMs: 50,
                maxWaiting: 0,
              },
            };
          }
          return {
            account: account(id, concurrency),
            decision,
            slot: { acquired: true, token: held.token, expiresAt: held.expiresAt },
            lease: { ttlMs: 60_000 },
          };
        },
      };
      return scheduler;
    }

    const ask = (
      requestId: string,
      more: Partial<SelectRequestInput> = {},
    ): SelectRequestInput => ({
      requestId,
      groupId: 1,
      platform: 'anthropic',
      sessionHash: 'conv-lease',
      model: 'claude-sonnet-4-6',
      ...more,
    });
    const open = () => new AbortController().signal;

    /** A session holding a lease on account `id`: its first select's slot released again. */
    async function leaseHeld(id: number, session: string) {
      const slots = createSlotClient(redis, keys);
      const scheduler = leasingScheduler(id, 5, slots);
      const leases = new SessionLeases(100);
      const first = ask(`${session}-1`, { sessionHash: session });
      await acquireAccount({ scheduler, slots, leases }, first, open());
      await slots.release(id, first.requestId);
      return { slots, scheduler, leases };
    }

    /** `slots` whose acquire runs `then` once Redis has answered. */
    function acquireThen(slots: SlotClient, then: () => void): SlotClient {
      return {
        ...slots,
        acquire: async (...args) => {
          const held = await slots.acquire(...args);
          then();
          return held;
        },
      };
    }

    it("takes the session's next slots in Redis itself, without selecting, while the lease lasts", async () => {
      const slots = createSlotClient(redis, keys);
      const scheduler = leasingScheduler(21, 5, slots);
      const leases = new SessionLeases(100);
      const deps = { scheduler, slots, leases };
      const first = await acquireAccount(deps, ask('l-1'), open());
      expect(first).toMatchObject({ account: { id: 21 }, leased: false });
      for (let i = 2; i <= 5; i++) {
        const next = await acquireAccount(deps, ask(`l-${i}`), open());
        expect(next).toMatchObject({
          account: { id: 21 },
          token: `l-${i}`,
          layer: 'session',
          leased: true,
        });
        expect(await redis.zscore(keys.slots(21), `l-${i}`)).not.toBeNull();
      }
      expect(scheduler.selects).toBe(1);
      // A different model, a failover and a request following a response all select.
      await acquireAccount(deps, ask('l-6', { model: 'claude-opus-4-1' }), open()).catch(
        () => null,
      );
      await acquireAccount(deps, ask('l-7', { excludedAccountIds: [3] }), open()).catch(() => null);
      await acquireAccount(deps, ask('l-8', { previousResponseId: 'resp_1' }), open()).catch(
        () => null,
      );
      expect(scheduler.selects).toBe(4);
    });

    it('never holds more slots than the concurrency: a full account ends the lease and the scheduler decides', async () => {
      const slots = createSlotClient(redis, keys);
      const scheduler = leasingScheduler(22, 2, slots);
      const leases = new SessionLeases(100);
      const deps = { scheduler, slots, leases };
      const first = await acquireAccount(deps, ask('c-0', { sessionHash: 'busy' }), open());
      const tries = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) =>
          acquireAccount(deps, ask(`c-${i + 1}`, { sessionHash: 'busy' }), open()),
        ),
      );
      expect(tries.filter((t) => t.status === 'fulfilled')).toHaveLength(1);
      expect(await redis.zcard(keys.slots(22))).toBe(2);
      // The refused ones were answered by the scheduler (a wait plan that timed out).
      expect(tries.filter((t) => t.status === 'rejected').length).toBe(9);
      expect(scheduler.selects).toBeGreaterThan(1);
      await slots.release(22, first.token);
    });

    it('selects again once an event about the account ended the lease', async () => {
      const slots = createSlotClient(redis, keys);
      const scheduler = leasingScheduler(23, 5, slots);
      const leases = new SessionLeases(100);
      const deps = { scheduler, slots, leases };
      await acquireAccount(deps, ask('e-1', { sessionHash: 'evented' }), open());
      expect(
        await acquireAccount(deps, ask('e-2', { sessionHash: 'evented' }), open()),
      ).toMatchObject({ leased: true });
      leases.forgetAccount(23);
      expect(
        await acquireAccount(deps, ask('e-3', { sessionHash: 'evented' }), open()),
      ).toMatchObject({ leased: false });
      expect(scheduler.selects).toBe(2);
    });

    it('gives the slot back and selects when an event about the account came during the leased acquire', async () => {
      const { slots, scheduler, leases } = await leaseHeld(25, 'raced');
      const next = await acquireAccount(
        { scheduler, slots: acquireThen(slots, () => leases.forgetAccount(25)), leases },
        ask('r-2', { sessionHash: 'raced' }),
        open(),
      );
      // The scheduler answered (here on the same account): one slot held, not two.
      expect(next).toMatchObject({ leased: false, token: 'r-2' });
      expect(scheduler.selects).toBe(2);
      expect(await redis.zrange(keys.slots(25), 0, -1)).toEqual(['r-2']);
    });

    describe('with slots kept for leased sessions', () => {
      const stocks: LeaseSlotStock[] = [];
      afterAll(async () => {
        for (const stock of stocks) await stock.stop();
      });

      /** Leases whose forgetting gives the kept slots back, as the gateway wires them. */
      function keeping(max = 2) {
        const stock = new LeaseSlotStock({
          redis,
          keys,
          max,
          minConcurrency: 16,
          logger: createLogger({
            service: 'lease-stock-test',
            level: 'error',
            destination: { write: () => 0 },
          }),
        });
        stocks.push(stock);
        const leases = new SessionLeases(100, Date.now, {
          account: (id) => stock.forget(id),
          all: () => stock.forgetAll(),
        });
        return { stock, leases };
      }

      /** `slots` counting the acquires the gateway itself makes in Redis. */
      function counting(slots: SlotClient) {
        const counted = { acquires: 0, slots };
        counted.slots = {
          ...slots,
          acquire: (...args) => {
            counted.acquires++;
            return slots.acquire(...args);
          },
        };
        return counted;
      }

      it("takes the slot the session's last request kept: no select and no Redis call", async () => {
        const { stock, leases } = keeping();
        const redisSlots = createSlotClient(redis, keys);
        const scheduler = leasingScheduler(31, 32, redisSlots);
        const { slots, ...count } = counting(redisSlots);
        const deps = { scheduler, slots, leases, leaseStock: stock };
        const first = await acquireAccount(deps, ask('k-1', { sessionHash: 'kept' }), open());
        expect(first.leaseSince).not.toBeNull();
        expect(stock.keep(first.account, first)).toBe(true);
        for (let i = 2; i <= 5; i++) {
          const next = await acquireAccount(deps, ask(`k-${i}`, { sessionHash: 'kept' }), open());
          // The same slot each time, still the one member of the account's zset.
          expect(next).toMatchObject({ account: { id: 31 }, token: 'k-1', leased: true });
          expect(await redis.zrange(keys.slots(31), 0, -1)).toEqual(['k-1']);
          expect(stock.keep(next.account, next)).toBe(true);
        }
        expect(scheduler.selects).toBe(1);
        expect(count.acquires).toBe(0);
      });

      it('never lets more requests hold slots than the concurrency, kept slots included', async () => {
        const { stock, leases } = keeping();
        const slots = createSlotClient(redis, keys);
        // Concurrency 16: one slot kept at most.
        const scheduler = leasingScheduler(32, 16, slots);
        const deps = { scheduler, slots, leases, leaseStock: stock };
        const first = await acquireAccount(deps, ask('p-0', { sessionHash: 'pool' }), open());
        expect(stock.keep(first.account, first)).toBe(true);
        const holding = new Set<string>();
        let most = 0;
        let served = 0;
        let doubled = 0;
        const worker = async (w: number) => {
          for (let round = 0; round < 5; round++) {
            const got = await acquireAccount(
              deps,
              ask(`p-${w}-${round}`, { sessionHash: 'pool' }),
              open(),
            ).catch(() => null);
            if (got === null) continue;
            if (holding.has(got.token)) doubled++;
            holding.add(got.token);
            most = Math.max(most, holding.size);
            served++;
            await new Promise((r) => setTimeout(r, 2));
            holding.delete(got.token);
            if (got.leaseSince === null || !stock.keep(got.account, got)) {
              await slots.release(32, got.token);
            }
          }
        };
        await Promise.all(Array.from({ length: 40 }, (_, w) => worker(w)));
        expect(doubled).toBe(0);
        expect(served).toBeGreaterThan(16);
        expect(most).toBeLessThanOrEqual(16);
        expect(stock.kept(32)).toBeLessThanOrEqual(1);
        // What is still held is exactly the kept slot.
        expect(await redis.zcard(keys.slots(32))).toBe(stock.kept(32));
      });

      it('gives the kept slots back on an event about the account; the next request selects', async () => {
        const { stock, leases } = keeping();
        const slots = createSlotClient(redis, keys);
        const scheduler = leasingScheduler(33, 32, slots);
        const deps = { scheduler, slots, leases, leaseStock: stock };
        const first = await acquireAccount(deps, ask('v-1', { sessionHash: 'ev' }), open());
        stock.keep(first.account, first);
        leases.forgetAccount(33);
        expect(stock.kept(33)).toBe(0);
        await eventually(async () => (await redis.zcard(keys.slots(33))) === 0);
        const next = await acquireAccount(deps, ask('v-2', { sessionHash: 'ev' }), open());
        expect(next).toMatchObject({ leased: false, token: 'v-2' });
        expect(scheduler.selects).toBe(2);
      });
    });

    it('gives the slot back when the client left during the leased acquire', async () => {
      const { slots, scheduler, leases } = await leaseHeld(24, 'gone');
      const gone = new ClientGone();
      await expect(
        acquireAccount(
          { scheduler, slots: acquireThen(slots, () => gone.abort()), leases },
          ask('g-2', { sessionHash: 'gone' }),
          gone,
        ),
      ).rejects.toBeInstanceOf(ClientGoneError);
      await eventually(async () => (await redis.zcard(keys.slots(24))) === 0);
      expect(scheduler.selects).toBe(1);
    });
  });
});
