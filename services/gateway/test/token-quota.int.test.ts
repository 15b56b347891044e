import express from 'express';
import type { Express } from 'express';
import { startHarness } from '@switchyard/harness';
import type { Harness } from '@switchyard/harness';
import {
  createApiKey,
  createDb,
  createGroup,
  generateApiKey,
  insertUsageLogs,
} from '@switchyard/db';
import type { Db, UsageLogInsert } from '@switchyard/db';
import { KeyBuilder, closeRedis, createRedis } from '@switchyard/redis';
import type { Redis } from '@switchyard/redis';
import { ApiKeyLookup, authenticate, authOf } from '../src/auth/index.js';
import type { AuthDeps } from '../src/auth/index.js';
import type { GatewayError } from '../src/errors/index.js';
import { jsonBody } from '../src/http/index.js';
import { listen } from './http-test-server.js';
import type { TestServer } from './http-test-server.js';

// The token quota end to end at the level of auth: usage stored the way the metrics-aggregator
// stores it (insertUsageLogs) raises the key's counter, and the gateway refuses the key once
// its cached lookup has expired. The lookup runs on its own clock, moved by hand past the TTL.

const NOW = Date.parse('2031-05-05T10:00:30Z');
const CACHE_TTL_MS = 5_000;

let harness: Harness<{ migrate: true; redis: true }>;
let db: Db;
let redis: Redis;
let server: TestServer;
let groupId: number;
let lookupNow = NOW;
const refused: GatewayError[] = [];

function gatewayApp(deps: AuthDeps): Express {
  const app = express();
  const answer = (_req: express.Request, res: express.Response) => {
    res.json({ apiKeyId: authOf(res).apiKeyId });
  };
  app.post('/v1/messages', jsonBody(1024, 'anthropic'), authenticate(deps, 'anthropic'), answer);
  app.post('/v1/chat/completions', jsonBody(1024), authenticate(deps, 'openai'), answer);
  app.post('/v1beta/models/:call', jsonBody(1024, 'gemini'), authenticate(deps, 'gemini'), answer);
  return app;
}

function post(path: string, headers: Record<string, string>) {
  return fetch(server.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model: 'm' }),
  });
}

function usage(
  requestId: string,
  apiKeyId: number,
  tokens: Pick<UsageLogInsert, 'input_tokens' | 'output_tokens' | 'is_count_tokens'> &
    Partial<Pick<UsageLogInsert, 'cost_usd'>>,
): UsageLogInsert {
  return {
    request_id: requestId,
    api_key_id: apiKeyId,
    user_id: null,
    group_id: groupId,
    account_id: 1,
    platform: 'anthropic',
    model: 'claude-sonnet-4',
    requested_model: 'claude-sonnet-4',
    upstream_model: null,
    cache_creation_tokens: 0,
    cache_read_tokens: 0,
    stream: false,
    duration_ms: 300,
    first_token_ms: null,
    cost_usd: 0,
    created_at: new Date(NOW).toISOString(),
    ...tokens,
  };
}

beforeAll(async () => {
  harness = await startHarness({ migrate: true, redis: true });
  db = createDb({ url: harness.databaseUrl });
  redis = createRedis({ url: harness.redisUrl });
  groupId = (await createGroup(db.db, { name: 'quota-g', platform: 'anthropic' })).id;
  server = await listen(
    gatewayApp({
      lookup: new ApiKeyLookup({ db: db.db, cacheTtlMs: CACHE_TTL_MS, now: () => lookupNow }),
      redis,
      keys: new KeyBuilder('sy-quota-test:'),
      now: () => NOW,
      onRefused: (error) => refused.push(error),
    }),
  );
});

afterAll(async () => {
  await server?.close();
  if (redis) await closeRedis(redis);
  await db?.destroy();
  await harness?.stop();
});

describe('token quota', () => {
  it('refuses a key once stored usage reaches its limit and its cached lookup expires', async () => {
    const generated = generateApiKey();
    const { id } = await createApiKey(db.db, {
      name: 'metered',
      keyHash: generated.keyHash,
      keyPrefix: generated.keyPrefix,
      groupId,
      quotaTokensLimit: 1_000,
    });
    const anthropicAuth = { 'x-api-key': generated.key };
    expect((await post('/v1/messages', anthropicAuth)).status).toBe(200);

    const batch = [
      usage('quota-1', id, { input_tokens: 600, output_tokens: 150, is_count_tokens: false }),
      usage('quota-2', id, { input_tokens: 200, output_tokens: 49, is_count_tokens: false }),
      usage('quota-3', id, { input_tokens: 5_000, output_tokens: 0, is_count_tokens: true }),
    ];
    expect(await insertUsageLogs(db.db, batch)).toBe(3);
    // 999 of 1,000 tokens: the key still works once its lookup is read again.
    lookupNow += CACHE_TTL_MS;
    expect((await post('/v1/messages', anthropicAuth)).status).toBe(200);

    // The redelivered batch changes nothing; one more token reaches the limit.
    expect(await insertUsageLogs(db.db, batch)).toBe(0);
    expect(
      await insertUsageLogs(db.db, [
        usage('quota-4', id, { input_tokens: 0, output_tokens: 1, is_count_tokens: false }),
      ]),
    ).toBe(1);
    // Until the cached lookup expires the gateway still sees the old count.
    expect((await post('/v1/messages', anthropicAuth)).status).toBe(200);

    lookupNow += CACHE_TTL_MS;
    refused.length = 0;
    const anthropic = await post('/v1/messages', anthropicAuth);
    expect(anthropic.status).toBe(429);
    expect(anthropic.headers.get('x-should-retry')).toBe('false');
    expect(await anthropic.json()).toMatchObject({
      type: 'error',
      error: { type: 'rate_limit_error' },
    });
    const openai = await post('/v1/chat/completions', { authorization: `Bearer ${generated.key}` });
    expect(openai.status).toBe(429);
    expect(await openai.json()).toMatchObject({
      error: { type: 'insufficient_quota', code: 'token_quota_exceeded' },
    });
    const gemini = await post('/v1beta/models/m:generateContent', {
      'x-goog-api-key': generated.key,
    });
    expect(gemini.status).toBe(429);
    expect(await gemini.json()).toMatchObject({
      error: { code: 429, status: 'RESOURCE_EXHAUSTED' },
    });
    expect(refused.map((e) => [e.reason, e.businessLimited])).toEqual([
      ['token_quota_exceeded', true],
      ['token_quota_exceeded', true],
      ['token_quota_exceeded', true],
    ]);
  });

  it('refuses a key once the cost of its stored usage reaches its USD limit', async () => {
    const generated = generateApiKey();
    const { id } = await createApiKey(db.db, {
      name: 'priced',
      keyHash: generated.keyHash,
      keyPrefix: generated.keyPrefix,
      groupId,
      quotaLimitUsd: 0.05,
    });
    const auth = { 'x-api-key': generated.key };
    const spend = (requestId: string, costUsd: number) =>
      usage(requestId, id, {
        input_tokens: 10,
        output_tokens: 10,
        is_count_tokens: false,
        cost_usd: costUsd,
      });
    expect(await insertUsageLogs(db.db, [spend('usd-1', 0.03), spend('usd-2', 0.0199)])).toBe(2);
    lookupNow += CACHE_TTL_MS;
    expect((await post('/v1/messages', auth)).status).toBe(200);
    expect(await insertUsageLogs(db.db, [spend('usd-3', 0.0001)])).toBe(1);
    lookupNow += CACHE_TTL_MS;
    refused.length = 0;
    const res = await post('/v1/chat/completions', { authorization: `Bearer ${generated.key}` });
    expect(res.status).toBe(429);
    expect(await res.json()).toMatchObject({ error: { type: 'insufficient_quota' } });
    expect(refused.map((e) => [e.reason, e.businessLimited])).toEqual([
      ['usd_quota_exceeded', true],
    ]);
  });
});
