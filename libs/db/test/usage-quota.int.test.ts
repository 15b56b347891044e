import { createApiKey, createDb, generateApiKey, getApiKey, insertUsageLogs } from '@switchyard/db';
import type { Db, UsageLogInsert } from '@switchyard/db';
import { startHarness } from '@switchyard/harness';
import type { Harness } from '@switchyard/harness';

const T0 = Date.parse('2031-05-05T10:00:00Z');

let harness: Harness<{ migrate: true }>;
let handle: Db;
let nextRequest = 0;

beforeAll(async () => {
  harness = await startHarness({ migrate: true });
  // Several connections, so that concurrent batches really run side by side.
  handle = createDb({ url: harness.databaseUrl, max: 8 });
});

afterAll(async () => {
  await handle?.destroy();
  await harness?.stop();
});

async function newKey(): Promise<number> {
  const generated = generateApiKey();
  const key = await createApiKey(handle.db, {
    name: 'metered',
    keyHash: generated.keyHash,
    keyPrefix: generated.keyPrefix,
    quotaTokensLimit: 1_000_000,
  });
  return key.id;
}

/** A usage record for `apiKeyId` at T0 + `atMs`, with a request id no other record has. */
function usage(
  apiKeyId: number,
  atMs: number,
  tokens: Partial<
    Pick<
      UsageLogInsert,
      | 'input_tokens'
      | 'output_tokens'
      | 'cache_creation_tokens'
      | 'cache_read_tokens'
      | 'is_count_tokens'
      | 'cost_usd'
    >
  > = {},
): UsageLogInsert {
  nextRequest += 1;
  return {
    request_id: `req-${nextRequest}`,
    api_key_id: apiKeyId,
    user_id: null,
    group_id: null,
    account_id: 1,
    platform: 'anthropic',
    model: 'claude-sonnet-4',
    requested_model: 'claude-sonnet-4',
    upstream_model: null,
    input_tokens: 0,
    output_tokens: 0,
    cache_creation_tokens: 0,
    cache_read_tokens: 0,
    stream: false,
    is_count_tokens: false,
    duration_ms: 120,
    first_token_ms: null,
    cost_usd: 0,
    created_at: new Date(T0 + atMs).toISOString(),
    ...tokens,
  };
}

async function meter(id: number): Promise<{ tokens: number; lastUsedAt: Date | null }> {
  const key = await getApiKey(handle.db, id);
  if (key === null) throw new Error(`api key ${id} is gone`);
  return { tokens: key.quotaTokensUsed, lastUsedAt: key.lastUsedAt };
}

describe('insertUsageLogs metering', () => {
  it('adds each key the input, output and cache tokens of its own records in the batch', async () => {
    const first = await newKey();
    const second = await newKey();
    const untouched = await newKey();

    const inserted = await insertUsageLogs(handle.db, [
      usage(first, 1_000, {
        input_tokens: 100,
        output_tokens: 20,
        cache_creation_tokens: 3,
        cache_read_tokens: 4,
      }),
      usage(second, 2_000, { input_tokens: 7, output_tokens: 1 }),
      usage(first, 5_000, { input_tokens: 1_000, output_tokens: 200 }),
      usage(second, 3_000, { cache_read_tokens: 50 }),
    ]);

    expect(inserted).toBe(4);
    expect(await meter(first)).toEqual({ tokens: 1_327, lastUsedAt: new Date(T0 + 5_000) });
    expect(await meter(second)).toEqual({ tokens: 58, lastUsedAt: new Date(T0 + 3_000) });
    expect(await meter(untouched)).toEqual({ tokens: 0, lastUsedAt: null });
  });

  it('adds nothing for a redelivered batch, and only the new records of a partly new one', async () => {
    const id = await newKey();
    const batch = [
      usage(id, 1_000, { input_tokens: 10, output_tokens: 5 }),
      usage(id, 2_000, { input_tokens: 30 }),
    ];
    expect(await insertUsageLogs(handle.db, batch)).toBe(2);
    expect(await insertUsageLogs(handle.db, batch)).toBe(0);
    expect(await meter(id)).toEqual({ tokens: 45, lastUsedAt: new Date(T0 + 2_000) });

    const later = usage(id, 3_000, { output_tokens: 8 });
    expect(await insertUsageLogs(handle.db, [...batch, later])).toBe(1);
    expect(await meter(id)).toEqual({ tokens: 53, lastUsedAt: new Date(T0 + 3_000) });
  });

  it("adds each new record's cost to quota_used_usd once; count_tokens records cost nothing", async () => {
    const id = await newKey();
    const batch = [
      usage(id, 1_000, { input_tokens: 10, cost_usd: 0.0123456789 }),
      usage(id, 2_000, { input_tokens: 10, cost_usd: 1.5 }),
      usage(id, 3_000, { input_tokens: 10, cost_usd: 7, is_count_tokens: true }),
    ];
    expect(await insertUsageLogs(handle.db, batch)).toBe(3);
    expect(await insertUsageLogs(handle.db, batch)).toBe(0);
    const key = await getApiKey(handle.db, id);
    expect(key?.quotaUsedUsd).toBeCloseTo(1.5123456789, 10);
    const stored = await handle.db
      .selectFrom('usage_logs')
      .select(['cost_usd'])
      .where('api_key_id', '=', id)
      .orderBy('created_at')
      .execute();
    expect(stored.map((r) => Number(r.cost_usd))).toEqual([0.0123456789, 1.5, 7]);
  });

  it('counts no tokens for count_tokens records but moves last_used_at to them', async () => {
    const id = await newKey();
    await insertUsageLogs(handle.db, [usage(id, 1_000, { input_tokens: 40, output_tokens: 2 })]);

    const inserted = await insertUsageLogs(handle.db, [
      usage(id, 9_000, { input_tokens: 5_000, is_count_tokens: true }),
    ]);

    expect(inserted).toBe(1);
    expect(await meter(id)).toEqual({ tokens: 42, lastUsedAt: new Date(T0 + 9_000) });
  });

  it('keeps last_used_at when an older record arrives later, while still counting its tokens', async () => {
    const id = await newKey();
    await insertUsageLogs(handle.db, [usage(id, 60_000, { input_tokens: 1 })]);

    await insertUsageLogs(handle.db, [usage(id, 10_000, { input_tokens: 2, output_tokens: 3 })]);

    expect(await meter(id)).toEqual({ tokens: 6, lastUsedAt: new Date(T0 + 60_000) });
  });

  it('stores the records of a key that no longer exists without metering anything', async () => {
    const id = await newKey();
    const missing = id + 10_000;

    const inserted = await insertUsageLogs(handle.db, [
      usage(missing, 1_000, { input_tokens: 9 }),
      usage(id, 1_000, { input_tokens: 4 }),
    ]);

    expect(inserted).toBe(2);
    expect(await meter(id)).toEqual({ tokens: 4, lastUsedAt: new Date(T0 + 1_000) });
    expect(await getApiKey(handle.db, missing)).toBeNull();
  });

  it('adds up batches written at the same time that share keys in different orders', async () => {
    const ids = await Promise.all([newKey(), newKey(), newKey(), newKey()]);
    // Each batch names every key, in an order that differs from its neighbours'.
    const batches = Array.from({ length: 8 }, (_, b) =>
      Array.from({ length: 40 }, (_, i) => {
        const id = ids[(b % 2 === 0 ? i : ids.length * 10 - 1 - i) % ids.length]!;
        return usage(id, b * 1_000 + i, { input_tokens: 1, output_tokens: 2 });
      }),
    );

    const inserted = await Promise.all(batches.map((batch) => insertUsageLogs(handle.db, batch)));

    expect(inserted).toEqual(batches.map(() => 40));
    for (const id of ids) {
      // 8 batches × 10 records per key × 3 tokens.
      expect((await meter(id)).tokens).toBe(240);
    }
  });
});
