import type { UsageRecorded } from '@switchyard/contracts';
import { PriceBook } from '../src/index.js';

const record = (overrides: Partial<UsageRecorded>): UsageRecorded =>
  ({
    requestId: 'r-1',
    apiKeyId: 1,
    userId: null,
    groupId: 1,
    accountId: 1,
    platform: 'anthropic',
    requestedModel: 'claude-sonnet-4-6',
    upstreamModel: 'claude-sonnet-4-6',
    inputTokens: 0,
    outputTokens: 0,
    cacheCreationTokens: 0,
    cacheReadTokens: 0,
    stream: false,
    durationMs: 100,
    firstTokenMs: null,
    isCountTokens: false,
    occurredAt: 0,
    ...overrides,
  }) as UsageRecorded;

const book = new PriceBook({
  'claude-*': { input: 1, output: 1 },
  'claude-sonnet-4*': { input: 3, output: 15, cacheWrite: 3.75, cacheRead: 0.3 },
  'claude-sonnet-4-6-fast': { input: 6, output: 30 },
  'gpt-5': { input: 1.25, output: 10 },
});

describe('PriceBook', () => {
  it('prices a model by its exact entry, else by the longest prefix it starts with', () => {
    expect(book.priceOf('claude-sonnet-4-6-fast')?.input).toBe(6);
    expect(book.priceOf('claude-sonnet-4-6')?.input).toBe(3);
    expect(book.priceOf('claude-haiku-4-5')?.input).toBe(1);
    expect(book.priceOf('gpt-5')?.input).toBe(1.25);
    // An exact entry prices that name only.
    expect(book.priceOf('gpt-5-mini')).toBeNull();
    expect(book.priceOf('gemini-2.5-flash')).toBeNull();
  });

  it('costs input, output, cache writes and cache reads per million tokens', () => {
    const cost = book.costOf(
      record({
        inputTokens: 1_000,
        outputTokens: 2_000,
        cacheCreationTokens: 10_000,
        cacheReadTokens: 100_000,
      }),
    );
    // 0.003 + 0.03 + 0.0375 + 0.03
    expect(cost).toBeCloseTo(0.1005, 10);
  });

  it('prices cache tokens at the input price when the model has no cache prices', () => {
    const cost = book.costOf(
      record({
        upstreamModel: 'gpt-5',
        inputTokens: 1_000_000,
        cacheCreationTokens: 1_000_000,
        cacheReadTokens: 1_000_000,
      }),
    );
    expect(cost).toBe(3.75);
  });

  it('prices by the model the upstream served, not the one asked for', () => {
    const cost = book.costOf(
      record({ requestedModel: 'gpt-5', upstreamModel: 'claude-haiku-4-5', outputTokens: 1e6 }),
    );
    expect(cost).toBe(1);
  });

  it('charges nothing for count_tokens, and has no cost for an unpriced model', () => {
    expect(book.costOf(record({ isCountTokens: true, inputTokens: 1e6 }))).toBe(0);
    expect(book.costOf(record({ upstreamModel: 'mystery', inputTokens: 1e6 }))).toBeNull();
  });
});
