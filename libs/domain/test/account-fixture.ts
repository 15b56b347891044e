import { makeTestAccount } from '@switchyard/harness';
import type { Account } from '@switchyard/domain';

/** A healthy, schedulable, ungrouped anthropic account; override what the test is about. */
export function makeAccount(overrides: Partial<Account> = {}): Account {
  return makeTestAccount({ name: 'account-1', ...overrides });
}

/** Deterministic PRNG (mulberry32) so property-style tests replay identically. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(random: () => number, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}
