import express from 'express';
import type { Express, Request, Response } from 'express';
import { startHarness } from '@switchyard/harness';
import type { Harness } from '@switchyard/harness';
import {
  createApiKey,
  createDb,
  createGroup,
  createUser,
  generateApiKey,
  hashApiKey,
  updateApiKeyStatus,
} from '@switchyard/db';
import type { Db, NewApiKey } from '@switchyard/db';
import { KeyBuilder, closeRedis, createRedis } from '@switchyard/redis';
import type { Redis } from '@switchyard/redis';
import { ApiKeyLookup, authenticate, authOf } from '../src/auth/index.js';
import type { AuthDeps } from '../src/auth/index.js';
import type { GatewayError } from '../src/errors/index.js';
import { jsonBody } from '../src/http/index.js';
import { eventually, listen } from './http-test-server.js';
import type { TestServer } from './http-test-server.js';

type Options = { beforeAnswer?: (req: Request) => Promise<void> };

// A fixed clock keeps the per-minute window from rolling over in the middle of a test.
const NOW = Date.parse('2031-05-05T10:00:30Z');

/** One gateway replica as far as auth goes: its own cache and Redis client, shared servers. */
function gatewayApp(deps: AuthDeps, options: Options = {}): Express {
  const app = express();
  const answer = async (req: Request, res: Response) => {
    await options.beforeAnswer?.(req);
    // Everything but the release function, which JSON cannot carry.
    res.json(JSON.parse(JSON.stringify(authOf(res))) as unknown);
  };
  app.post('/v1/messages', jsonBody(1024, 'anthropic'), authenticate(deps, 'anthropic'), answer);
  app.post('/v1/chat/completions', jsonBody(1024), authenticate(deps, 'openai'), answer);
  app.post('/v1beta/models/:call', jsonBody(1024, 'gemini'), authenticate(deps, 'gemini'), answer);
  return app;
}

let harness: Harness<{ migrate: true; redis: true }>;
let db: Db;
let redisA: Redis;
let redisB: Redis;
const keys = new KeyBuilder('sy-test:');
let groupId: number;
let userId: number;
const refused: GatewayError[] = [];
let depsA: AuthDeps;
let a: TestServer;
let b: TestServer;

async function newKey(input: Partial<NewApiKey> = {}): Promise<{ key: string; id: number }> {
  const generated = generateApiKey();
  const row = await createApiKey(db.db, {
    name: 'test',
    keyHash: generated.keyHash,
    keyPrefix: generated.keyPrefix,
    groupId,
    userId,
    ...input,
  });
  return { key: generated.key, id: row.id };
}

function post(
  server: TestServer,
  path: string,
  headers: Record<string, string>,
  signal?: AbortSignal,
) {
  return fetch(server.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model: 'm' }),
    ...(signal === undefined ? {} : { signal }),
  });
}

// A request held open until the test lets it go, to keep a concurrency slot taken.
const gates = new Map<string, () => void>();
const beforeAnswer = (req: Request) =>
  new Promise<void>((resolve) => {
    const gate = req.header('x-test-gate');
    if (gate === undefined) resolve();
    else gates.set(gate, resolve);
  });

beforeAll(async () => {
  harness = await startHarness({ migrate: true, redis: true });
  db = createDb({ url: harness.databaseUrl });
  redisA = createRedis({ url: harness.redisUrl });
  redisB = createRedis({ url: harness.redisUrl });
  groupId = (await createGroup(db.db, { name: 'g', platform: 'anthropic' })).id;
  userId = (await createUser(db.db, { email: 'u@example.com', name: 'U' })).id;
  const onRefused = (error: GatewayError) => refused.push(error);
  depsA = {
    lookup: new ApiKeyLookup({ db: db.db, cacheTtlMs: 60_000 }),
    redis: redisA,
    keys,
    now: () => NOW,
    onRefused,
  };
  const depsB: AuthDeps = {
    lookup: new ApiKeyLookup({ db: db.db, cacheTtlMs: 60_000 }),
    redis: redisB,
    keys,
    now: () => NOW,
    onRefused,
  };
  a = await listen(gatewayApp(depsA, { beforeAnswer }));
  b = await listen(gatewayApp(depsB, { beforeAnswer }));
});

afterAll(async () => {
  await a?.close();
  await b?.close();
  await Promise.all([redisA, redisB].map((r) => (r ? closeRedis(r) : undefined)));
  await db?.destroy();
  await harness?.stop();
});

describe('authenticate', () => {
  it('admits a key from each header style and describes it in res.locals.auth', async () => {
    const { key, id } = await newKey();
    const expected = { apiKeyId: id, userId, groupId, groupPlatform: 'anthropic' };
    for (const [path, headers] of [
      ['/v1/messages', { 'x-api-key': key }],
      ['/v1/chat/completions', { authorization: `Bearer ${key}` }],
      ['/v1beta/models/m:generateContent', { 'x-goog-api-key': key }],
      [`/v1beta/models/m:generateContent?key=${key}`, {}],
    ] as const) {
      const res = await post(a, path, headers);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ ...expected, keyPrefix: key.slice(0, 10) });
    }
  });

  it('refuses an unknown key in each client format', async () => {
    const bad = { authorization: 'Bearer sk-sy-not-a-key', 'x-api-key': 'sk-sy-not-a-key' };
    const anthropic = await post(a, '/v1/messages', bad);
    expect(anthropic.status).toBe(401);
    expect(await anthropic.json()).toMatchObject({
      type: 'error',
      error: { type: 'authentication_error' },
    });
    const openai = await post(a, '/v1/chat/completions', bad);
    expect(openai.status).toBe(401);
    expect(await openai.json()).toEqual({
      error: {
        message: 'Invalid API key.',
        type: 'invalid_request_error',
        param: null,
        code: 'invalid_api_key',
      },
    });
    const gemini = await post(a, '/v1beta/models/m:generateContent', { 'x-goog-api-key': 'nope' });
    expect(gemini.status).toBe(401);
    expect(await gemini.json()).toEqual({
      error: { code: 401, message: 'Invalid API key.', status: 'UNAUTHENTICATED' },
    });
  });

  it('refuses a request without a key', async () => {
    const res = await post(a, '/v1/chat/completions', {});
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: 'missing_api_key' } });
  });

  it.each([
    ['a disabled', { status: 'disabled' }, 401, 'api_key_disabled'],
    ['an expired', { expiresAt: new Date(NOW - 1000) }, 401, 'api_key_expired'],
  ] as const)('refuses %s key in each format', async (_label, input, status, reason) => {
    const { key } = await newKey(input);
    const anthropic = await post(a, '/v1/messages', { 'x-api-key': key });
    expect(anthropic.status).toBe(status);
    expect(await anthropic.json()).toMatchObject({ error: { type: 'authentication_error' } });
    const openai = await post(a, '/v1/chat/completions', { authorization: `Bearer ${key}` });
    expect(await openai.json()).toMatchObject({ error: { code: reason } });
    const gemini = await post(a, '/v1beta/models/m:generateContent', { 'x-goog-api-key': key });
    expect(await gemini.json()).toMatchObject({
      error: { code: status, status: 'UNAUTHENTICATED' },
    });
  });

  it('refuses a key over its token or USD quota as business-limited, in each format', async () => {
    const tokens = await newKey({ quotaTokensLimit: 1000 });
    await db.db
      .updateTable('api_keys')
      .set({ quota_tokens_used: 1000 })
      .where('id', '=', tokens.id)
      .execute();
    const usd = await newKey({ quotaLimitUsd: 2.5 });
    await db.db
      .updateTable('api_keys')
      .set({ quota_used_usd: '2.5' })
      .where('id', '=', usd.id)
      .execute();
    refused.length = 0;

    const anthropic = await post(a, '/v1/messages', { 'x-api-key': tokens.key });
    expect(anthropic.status).toBe(429);
    expect(anthropic.headers.get('x-should-retry')).toBe('false');
    expect(await anthropic.json()).toMatchObject({ error: { type: 'rate_limit_error' } });
    const openai = await post(a, '/v1/chat/completions', { authorization: `Bearer ${usd.key}` });
    expect(openai.status).toBe(429);
    expect(await openai.json()).toMatchObject({
      error: { type: 'insufficient_quota', code: 'usd_quota_exceeded' },
    });
    const gemini = await post(a, '/v1beta/models/m:generateContent', { 'x-goog-api-key': usd.key });
    expect(await gemini.json()).toMatchObject({
      error: { code: 429, status: 'RESOURCE_EXHAUSTED' },
    });

    expect(refused.map((e) => [e.reason, e.businessLimited])).toEqual([
      ['token_quota_exceeded', true],
      ['usd_quota_exceeded', true],
      ['usd_quota_exceeded', true],
    ]);
  });

  it('limits concurrency per key across two gateway replicas and frees the slot at the end', async () => {
    const { key, id } = await newKey({ concurrencyLimit: 1 });
    const auth = { 'x-api-key': key };
    const held = post(a, '/v1/messages', { ...auth, 'x-test-gate': 'c1' });
    await eventually(() => gates.has('c1'));

    const second = await post(b, '/v1/messages', auth);
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBe('1');
    expect(await second.json()).toMatchObject({ error: { type: 'rate_limit_error' } });
    const secondOpenAI = await post(b, '/v1/chat/completions', { authorization: `Bearer ${key}` });
    expect(await secondOpenAI.json()).toMatchObject({
      error: { type: 'requests', code: 'api_key_concurrency_limit' },
    });

    gates.get('c1')!();
    expect((await held).status).toBe(200);
    await eventually(async () => (await redisA.zcard(keys.apiKeyConcurrency(id))) === 0);
    expect((await post(b, '/v1/messages', auth)).status).toBe(200);
  });

  it('frees the concurrency slot of a client that disconnects', async () => {
    const { key, id } = await newKey({ concurrencyLimit: 1 });
    const abort = new AbortController();
    const pending = post(
      a,
      '/v1/messages',
      { 'x-api-key': key, 'x-test-gate': 'c2' },
      abort.signal,
    );
    await eventually(() => gates.has('c2'));
    expect(await redisA.zcard(keys.apiKeyConcurrency(id))).toBe(1);
    abort.abort();
    await expect(pending).rejects.toThrow();
    await eventually(async () => (await redisA.zcard(keys.apiKeyConcurrency(id))) === 0);
    gates.get('c2')!();
  });

  it('limits requests per minute per key across two gateway replicas', async () => {
    const { key } = await newKey({ rpmLimit: 3 });
    const auth = { 'x-api-key': key };
    expect((await post(a, '/v1/messages', auth)).status).toBe(200);
    expect((await post(b, '/v1/messages', auth)).status).toBe(200);
    expect((await post(a, '/v1/messages', auth)).status).toBe(200);
    const fourth = await post(b, '/v1/messages', auth);
    expect(fourth.status).toBe(429);
    // NOW is 30 s into its minute.
    expect(fourth.headers.get('retry-after')).toBe('30');
    expect(await fourth.json()).toMatchObject({ error: { type: 'rate_limit_error' } });
  });

  it('counts every request toward its minute but lets one over the limit take no slot', async () => {
    const { key, id } = await newKey({ rpmLimit: 1, concurrencyLimit: 1 });
    const auth = { 'x-api-key': key };
    const held = post(a, '/v1/messages', { ...auth, 'x-test-gate': 'c3' });
    await eventually(() => gates.has('c3'));
    const over = await post(b, '/v1/messages', auth);
    expect(over.status).toBe(429);
    expect(await over.json()).toMatchObject({ error: { type: 'rate_limit_error' } });
    // The refused request neither holds nor held a slot: only the first one is in the set.
    expect(await redisA.zrange(keys.apiKeyConcurrency(id), 0, -1)).toHaveLength(1);
    gates.get('c3')!();
    expect((await held).status).toBe(200);
    await eventually(async () => (await redisA.zcard(keys.apiKeyConcurrency(id))) === 0);
    // Still over the minute's limit with the slot free: the count includes the refusal.
    expect((await post(a, '/v1/messages', auth)).status).toBe(429);
    expect(await redisA.get(keys.apiKeyRpm(id, Math.floor(NOW / 60_000)))).toBe('3');
  });

  it('serves a revoked key from its cache until the key is invalidated', async () => {
    const { key, id } = await newKey();
    expect((await post(a, '/v1/messages', { 'x-api-key': key })).status).toBe(200);
    await updateApiKeyStatus(db.db, id, 'disabled');
    expect((await post(a, '/v1/messages', { 'x-api-key': key })).status).toBe(200);
    depsA.lookup.invalidate(hashApiKey(key));
    expect((await post(a, '/v1/messages', { 'x-api-key': key })).status).toBe(401);
  });

  it('answers 503 in the client format when Postgres is unreachable', async () => {
    const deadDb = createDb({ url: 'postgres://switchyard@127.0.0.1:1/none', max: 1 });
    const server = await listen(
      gatewayApp({
        lookup: new ApiKeyLookup({ db: deadDb.db, cacheTtlMs: 0 }),
        redis: redisA,
        keys,
      }),
    );
    try {
      const res = await post(server, '/v1/messages', { 'x-api-key': 'sk-sy-anything' });
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ type: 'error', error: { type: 'api_error' } });
    } finally {
      await server.close();
      // end() without a grace period: a pool whose connection attempt failed has nothing to drain.
      await deadDb.sql.end({ timeout: 0 });
    }
  });

  it('answers 503 in the client format when Redis is unreachable', async () => {
    const { key } = await newKey({ rpmLimit: 10 });
    // A client whose connection is closed fails every command at once, as an unreachable
    // Redis does after the client's retries.
    const deadRedis = createRedis({ url: harness.redisUrl });
    await closeRedis(deadRedis);
    const server = await listen(
      gatewayApp({
        lookup: new ApiKeyLookup({ db: db.db, cacheTtlMs: 0 }),
        redis: deadRedis,
        keys,
      }),
    );
    try {
      const res = await post(server, '/v1beta/models/m:generateContent', { 'x-goog-api-key': key });
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ error: { code: 503, status: 'UNAVAILABLE' } });
    } finally {
      await server.close();
    }
  });
});
