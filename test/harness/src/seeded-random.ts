import { seededRandom } from '@switchyard/domain';

/**
 * Deterministic PRNG for property-style tests (mulberry32, shared with the scheduler), so that a
 * failing seed replays exactly. Returns numbers in [0, 1), like Math.random.
 */
export { seededRandom };

/** One of `items`, drawn with `random`; throws on an empty list. */
export function pick<T>(random: () => number, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}
