import { seededRng, weightedOrder } from '../../src/policy/index.js';

/** An rng that replays the given values and counts how often it was asked. */
function scripted(values: number[]): { rng: () => number; calls: () => number } {
  let calls = 0;
  return {
    rng: () => {
      const value = values[calls];
      calls += 1;
      if (value === undefined) throw new Error('rng asked too often');
      return value;
    },
    calls: () => calls,
  };
}

describe('weightedOrder', () => {
  it('returns a permutation of the indices', () => {
    for (let seed = 0; seed < 50; seed++) {
      const order = weightedOrder([4, 3.2, 3.9, 1, 2.5, 2.5, 0.4], seededRng(seed));
      expect([...order].sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    }
  });

  it('weighs each index by score − min + 1', () => {
    // Weights 11 and 1: a draw below 11/12 picks index 0, above it index 1.
    expect(weightedOrder([10, 0], scripted([0.9]).rng)).toEqual([0, 1]);
    expect(weightedOrder([10, 0], scripted([0.95]).rng)).toEqual([1, 0]);
  });

  it('draws without replacement, renormalising over what is left', () => {
    // Weights 3, 2, 1 (total 6). 0.5·6 = 3 → index 1; then weights 3, 1 (total 4): 0.8·4 = 3.2 → index 2.
    expect(weightedOrder([2, 1, 0], scripted([0.5, 0.8]).rng)).toEqual([1, 2, 0]);
  });

  it('asks the rng K − 1 times: the last pick is forced', () => {
    const script = scripted([0.1, 0.2, 0.3]);
    weightedOrder([1, 2, 3, 4], script.rng);
    expect(script.calls()).toBe(3);
    const single = scripted([]);
    expect(weightedOrder([5], single.rng)).toEqual([0]);
    expect(weightedOrder([], single.rng)).toEqual([]);
    expect(single.calls()).toBe(0);
  });

  it('survives an rng that returns values just below 1', () => {
    expect(
      weightedOrder([1, 1, 1], scripted([0.9999999999999999, 0.9999999999999999]).rng),
    ).toEqual([2, 1, 0]);
  });

  it('picks the best-scored index first more often than a worse one', () => {
    const firsts = [0, 0, 0];
    for (let seed = 0; seed < 3_000; seed++) {
      const first = weightedOrder([3, 2, 1], seededRng(seed))[0] as number;
      firsts[first] = (firsts[first] as number) + 1;
    }
    // Weights 3 : 2 : 1 → expected 1500 : 1000 : 500.
    expect(firsts[0]).toBeGreaterThan(firsts[1] as number);
    expect(firsts[1]).toBeGreaterThan(firsts[2] as number);
    expect(firsts[2]).toBeGreaterThan(0);
  });
});
