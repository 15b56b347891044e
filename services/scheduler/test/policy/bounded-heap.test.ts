import { TopKHeap, compareRanked, seededRng, type RankKey } from '../../src/policy/index.js';

type Rows = {
  score: Float64Array;
  priority: Float64Array;
  loadRate: Float64Array;
  waiting: Float64Array;
  id: Float64Array;
};

function columnsOf(keys: readonly RankKey[]): Rows {
  const column = (field: keyof RankKey) => Float64Array.from(keys, (key) => key[field]);
  return {
    score: column('score'),
    priority: column('priority'),
    loadRate: column('loadRate'),
    waiting: column('waiting'),
    id: column('id'),
  };
}

/** Keys drawn from small value sets so that scores, priorities, loads and waits tie often. */
function randomKeys(random: () => number, count: number): RankKey[] {
  const ids = Array.from({ length: count }, (_, i) => i + 1);
  for (let i = ids.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [ids[i], ids[j]] = [ids[j] as number, ids[i] as number];
  }
  const pick = (values: readonly number[]) =>
    values[Math.floor(random() * values.length)] as number;
  return ids.map((id) => ({
    score: pick([0, 0.5, 1, 1.5, 2.25, 3]),
    priority: pick([1, 10, 50]),
    loadRate: pick([0, 1 / 3, 0.5, 1]),
    waiting: pick([0, 1, 2]),
    id,
  }));
}

function topKOf(keys: readonly RankKey[], k: number): RankKey[] {
  const heap = new TopKHeap(k, columnsOf(keys));
  keys.forEach((_, row) => heap.offer(row));
  return heap.drain().map((row) => keys[row] as RankKey);
}

describe('compareRanked', () => {
  const base: RankKey = { score: 2, priority: 10, loadRate: 0.5, waiting: 1, id: 5 };

  it('puts the higher score first', () => {
    expect(compareRanked({ ...base, score: 3 }, base)).toBeLessThan(0);
  });

  it.each<[keyof RankKey, number]>([
    ['priority', 1],
    ['loadRate', 0],
    ['waiting', 0],
    ['id', 1],
  ])('breaks a score tie by the lower %s', (field, lower) => {
    expect(compareRanked({ ...base, [field]: lower }, base)).toBeLessThan(0);
    expect(compareRanked(base, { ...base, [field]: lower })).toBeGreaterThan(0);
  });

  it('checks the tie-breakers in order: priority before load before waiting before id', () => {
    const lowerPriority = { ...base, priority: 1, loadRate: 1, waiting: 9, id: 99 };
    expect(compareRanked(lowerPriority, base)).toBeLessThan(0);
    const lowerLoad = { ...base, loadRate: 0, waiting: 9, id: 99 };
    expect(compareRanked(lowerLoad, base)).toBeLessThan(0);
    const fewerWaiting = { ...base, waiting: 0, id: 99 };
    expect(compareRanked(fewerWaiting, base)).toBeLessThan(0);
  });
});

describe('TopKHeap', () => {
  it('keeps exactly what a full sort keeps, in the same order, on random inputs with ties', () => {
    for (let seed = 1; seed <= 500; seed++) {
      const random = seededRng(seed);
      const keys = randomKeys(random, Math.floor(random() * 300));
      const k = 1 + Math.floor(random() * 12);
      const expected = [...keys].sort(compareRanked).slice(0, k);
      expect(topKOf(keys, k)).toEqual(expected);
    }
  });

  it('returns every row, best first, when fewer than K were offered', () => {
    const keys: RankKey[] = [
      { score: 1, priority: 1, loadRate: 0, waiting: 0, id: 1 },
      { score: 3, priority: 1, loadRate: 0, waiting: 0, id: 2 },
      { score: 2, priority: 1, loadRate: 0, waiting: 0, id: 3 },
    ];
    expect(topKOf(keys, 7).map((key) => key.id)).toEqual([2, 3, 1]);
  });

  it('says whether an offered row was kept and empties on drain', () => {
    const keys: RankKey[] = [3, 2, 1, 5].map((score, i) => ({
      score,
      priority: 1,
      loadRate: 0,
      waiting: 0,
      id: i + 1,
    }));
    const heap = new TopKHeap(2, columnsOf(keys));
    expect([0, 1, 2, 3].map((row) => heap.offer(row))).toEqual([true, true, false, true]);
    expect(heap.size).toBe(2);
    expect(heap.drain()).toEqual([3, 0]);
    expect(heap.size).toBe(0);
  });

  it('treats a capacity below 1 as 1', () => {
    const keys = randomKeys(seededRng(3), 20);
    expect(new TopKHeap(0, columnsOf(keys)).capacity).toBe(1);
    expect(new TopKHeap(Number.NaN, columnsOf(keys)).capacity).toBe(1);
    const best = new TopKHeap(0, columnsOf(keys));
    keys.forEach((_, row) => best.offer(row));
    expect(best.drain().map((row) => keys[row])).toEqual([[...keys].sort(compareRanked)[0]]);
  });
});
