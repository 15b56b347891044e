import {
  AccountStatsTable,
  DEFAULT_EWMA_ALPHA,
  InvalidEwmaAlphaError,
  applySample,
  ewma,
} from '../../src/stats/index.js';

const T0 = 1_750_000_000_000;

describe('ewma', () => {
  it('moves the previous value towards the sample by alpha', () => {
    expect(ewma(10, 20, 0.2)).toBeCloseTo(12, 12);
    expect(ewma(10, 20, 1)).toBe(20);
    expect(ewma(0, 1, DEFAULT_EWMA_ALPHA)).toBeCloseTo(0.2, 12);
  });
});

describe('applySample', () => {
  it('starts the error rate at 0 and applies alpha to the first outcome', () => {
    const stats = applySample(undefined, { accountId: 4, success: false }, T0);
    expect(stats).toEqual({
      accountId: 4,
      errorRate: 0.2,
      ttftMs: null,
      samples: 1,
      ttftSamples: 0,
      updatedAt: T0,
    });
  });

  it('seeds TTFT with the first sample instead of averaging it with zero', () => {
    const stats = applySample(undefined, { accountId: 4, success: true, firstTokenMs: 900 }, T0);
    expect(stats.ttftMs).toBe(900);
    expect(stats.ttftSamples).toBe(1);
    expect(stats.errorRate).toBe(0);
  });
});

describe('AccountStatsTable', () => {
  it('uses alpha 0.2 by default', () => {
    expect(new AccountStatsTable().alpha).toBe(0.2);
  });

  it('folds successive reports with alpha: failures to 1, successes to 0', () => {
    const table = new AccountStatsTable();
    table.record({ accountId: 1, success: false }, T0);
    table.record({ accountId: 1, success: false }, T0 + 1);
    const third = table.record({ accountId: 1, success: true }, T0 + 2);
    // 0 → 0.2 → 0.36 → 0.36 + 0.2·(0 − 0.36) = 0.288
    expect(third.errorRate).toBeCloseTo(0.288, 12);
    expect(third.samples).toBe(3);
    expect(third.updatedAt).toBe(T0 + 2);
  });

  it('averages TTFT after the seed and leaves it alone when a report has none', () => {
    const table = new AccountStatsTable();
    table.record({ accountId: 1, success: true, firstTokenMs: 1_000 }, T0);
    table.record({ accountId: 1, success: true, firstTokenMs: 2_000 }, T0 + 1);
    expect(table.get(1)?.ttftMs).toBeCloseTo(1_200, 9);
    const afterError = table.record({ accountId: 1, success: false }, T0 + 2);
    expect(afterError.ttftMs).toBeCloseTo(1_200, 9);
    expect(afterError.ttftSamples).toBe(2);
    expect(afterError.samples).toBe(3);
  });

  it('counts TTFT from a failed attempt that had produced a first token', () => {
    const table = new AccountStatsTable();
    const stats = table.record({ accountId: 1, success: false, firstTokenMs: 700 }, T0);
    expect(stats.ttftMs).toBe(700);
    expect(stats.errorRate).toBeCloseTo(0.2, 12);
  });

  it('applies a configured alpha', () => {
    const table = new AccountStatsTable({ alpha: 0.5 });
    table.record({ accountId: 1, success: true, firstTokenMs: 1_000 }, T0);
    const stats = table.record({ accountId: 1, success: false, firstTokenMs: 3_000 }, T0);
    expect(stats.ttftMs).toBe(2_000);
    expect(stats.errorRate).toBe(0.5);
  });

  it('keeps accounts apart and reports its size', () => {
    const table = new AccountStatsTable();
    expect(table.size).toBe(0);
    expect(table.get(1)).toBeNull();
    table.record({ accountId: 1, success: false }, T0);
    table.record({ accountId: 2, success: true, firstTokenMs: 300 }, T0);
    table.record({ accountId: 1, success: false }, T0);
    expect(table.size).toBe(2);
    expect(table.get(1)?.samples).toBe(2);
    expect(table.get(2)?.errorRate).toBe(0);
    expect([...table.values()].map((stats) => stats.accountId).sort()).toEqual([1, 2]);
    expect(table.delete(1)).toBe(true);
    expect(table.get(1)).toBeNull();
    expect(table.size).toBe(1);
  });

  it('replaces entries instead of editing them, so a value read earlier stays as it was', () => {
    const table = new AccountStatsTable();
    const before = table.record({ accountId: 1, success: true, firstTokenMs: 500 }, T0);
    table.record({ accountId: 1, success: false, firstTokenMs: 5_000 }, T0 + 1);
    expect(before.errorRate).toBe(0);
    expect(before.ttftMs).toBe(500);
    expect(before.samples).toBe(1);
  });

  it.each([0, -0.1, 1.5, Number.NaN])('rejects alpha %p with a typed error', (alpha) => {
    let caught: unknown;
    try {
      new AccountStatsTable({ alpha });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidEwmaAlphaError);
    const error = caught as InvalidEwmaAlphaError;
    expect(error.name).toBe('InvalidEwmaAlphaError');
    expect(error.code).toBe('invalid_ewma_alpha');
    expect(error.retryable).toBe(false);
  });
});
