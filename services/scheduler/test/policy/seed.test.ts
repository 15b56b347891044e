import { requestSeed, seededRng } from '../../src/policy/index.js';

const anchored = { groupId: 1, sessionHash: 'sess-1', model: 'claude-sonnet-4-5' };

describe('requestSeed', () => {
  it('is a 32-bit unsigned integer', () => {
    const seed = requestSeed(anchored, 123);
    expect(Number.isInteger(seed)).toBe(true);
    expect(seed).toBeGreaterThanOrEqual(0);
    expect(seed).toBeLessThan(2 ** 32);
  });

  it('is the same for the same session, model and group whatever the time', () => {
    expect(requestSeed(anchored, 1)).toBe(requestSeed(anchored, 1_750_000_000_000));
    const chained = { groupId: 1, previousResponseId: 'resp_9' };
    expect(requestSeed(chained, 5)).toBe(requestSeed(chained, 6));
  });

  it('changes with each anchor field', () => {
    const base = requestSeed(anchored, 0);
    expect(requestSeed({ ...anchored, sessionHash: 'sess-2' }, 0)).not.toBe(base);
    expect(requestSeed({ ...anchored, model: 'claude-opus-4' }, 0)).not.toBe(base);
    expect(requestSeed({ ...anchored, groupId: 2 }, 0)).not.toBe(base);
    expect(requestSeed({ ...anchored, previousResponseId: 'resp_1' }, 0)).not.toBe(base);
  });

  it('keeps fields apart: moving characters between fields changes the seed', () => {
    expect(requestSeed({ groupId: 0, sessionHash: 'ab', model: 'c' }, 0)).not.toBe(
      requestSeed({ groupId: 0, sessionHash: 'a', model: 'bc' }, 0),
    );
    expect(requestSeed({ groupId: 0, sessionHash: 'x' }, 0)).not.toBe(
      requestSeed({ groupId: 0, previousResponseId: 'x' }, 0),
    );
  });

  it('uses the time entropy only when there is no session anchor', () => {
    const anonymous = { groupId: 1, model: 'claude-sonnet-4-5' };
    const seeds = new Set(
      [1, 2, 3, 1_750_000_000_000, 1_750_000_000_001].map((t) => requestSeed(anonymous, t)),
    );
    expect(seeds.size).toBe(5);
    expect(requestSeed(anonymous, 42)).toBe(requestSeed(anonymous, 42));
  });
});

describe('seededRng', () => {
  it('replays the same sequence for the same seed', () => {
    const a = seededRng(99);
    const b = seededRng(99);
    const sequence = Array.from({ length: 20 }, () => a());
    expect(Array.from({ length: 20 }, () => b())).toEqual(sequence);
    expect(Array.from({ length: 20 }, seededRng(100))).not.toEqual(sequence);
  });

  it('stays within [0, 1) and spreads over it', () => {
    const rng = seededRng(1);
    const buckets = new Array<number>(10).fill(0);
    for (let i = 0; i < 10_000; i++) {
      const value = rng();
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
      buckets[Math.floor(value * 10)] += 1;
    }
    for (const count of buckets) expect(count).toBeGreaterThan(800);
  });
});
