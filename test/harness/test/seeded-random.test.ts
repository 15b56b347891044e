import { pick, seededRandom } from '@switchyard/harness';

describe('seededRandom', () => {
  it('replays the same sequence for the same seed, and another for another seed', () => {
    const draw = (seed: number) => {
      const random = seededRandom(seed);
      return Array.from({ length: 20 }, () => random());
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(8)).not.toEqual(draw(7));
  });

  it('draws in [0, 1)', () => {
    const random = seededRandom(42);
    for (let i = 0; i < 10_000; i++) {
      const x = random();
      expect(x >= 0 && x < 1).toBe(true);
    }
  });
});

describe('pick', () => {
  it('reaches every item of the list', () => {
    const random = seededRandom(1);
    const seen = new Set(Array.from({ length: 200 }, () => pick(random, ['a', 'b', 'c'])));
    expect([...seen].sort()).toEqual(['a', 'b', 'c']);
  });

  it('refuses an empty list', () => {
    expect(() => pick(seededRandom(1), [])).toThrow('pick from an empty list');
  });
});
