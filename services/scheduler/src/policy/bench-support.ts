import type { SelectRequest } from '@switchyard/contracts';
import {
  AccountStatus,
  AccountType,
  Platform,
  type Account,
  type EpochMs,
  type ModelMapping,
} from '@switchyard/domain';
import { seededRng } from './seed.js';
import { selectLayered } from './select-layered.js';
import { DEFAULT_POLICY_CONFIG, type Candidate, type PolicyConfig } from './types.js';

/** The instant bench candidates are built around (their rate limits etc. are relative to it). */
export const BENCH_NOW: EpochMs = 1_750_000_000_000;

/** The request bench candidates are built for: an anthropic request in group 1, mixed mode. */
export function benchRequest(overrides: Partial<SelectRequest> = {}): SelectRequest {
  return {
    requestId: 'bench-request',
    groupId: 1,
    platform: Platform.Anthropic,
    model: 'claude-sonnet-4-5',
    excludedAccountIds: [],
    ...overrides,
  };
}

/**
 * A bucket of `n` accounts as an `anthropic` mixed bucket looks in production, reproducible
 * from `seed`: ~90 % anthropic and ~10 % antigravity with mixed scheduling; ~10 % not
 * schedulable right now (rate-limited, overloaded, temporarily out, disabled, expired) because
 * the snapshot lags; ~40 % with a model mapping (each its own object, as parsed from JSON),
 * a quarter of which lack the bench model; three priority tiers; concurrency 1–10 with load
 * and queues; statistics for ~80 %.
 */
export function makeCandidates(n: number, seed: number): Candidate[] {
  const random = seededRng(seed);
  const candidates: Candidate[] = [];
  for (let i = 0; i < n; i++) {
    const account = makeAccount(i + 1, random);
    const inUse = Math.floor(random() * (account.concurrency + 1));
    const waiting = random() < 0.3 ? Math.floor(random() * 6) : 0;
    const stats =
      random() < 0.8
        ? {
            errorRate: random() < 0.1 ? random() * 0.6 : random() * 0.05,
            ttftMs: random() < 0.95 ? 300 + random() * 4_000 : null,
            samples: 1 + Math.floor(random() * 500),
          }
        : null;
    candidates.push({ account, stats, load: { inUse, waiting } });
  }
  return candidates;
}

/** Clocks that take no arguments and return milliseconds, e.g. `performance.now`. */
export type BenchClock = () => number;

/**
 * Runs `selectLayered` over `candidates` `iterations` times (after a warm-up of the same length)
 * and returns the mean µs per select measured with `clock`. Each call gets its own seeded rng,
 * as in the service.
 */
export function timeSelectLayered(options: {
  candidates: readonly Candidate[];
  iterations: number;
  clock: BenchClock;
  config?: PolicyConfig;
  request?: SelectRequest;
}): number {
  const { candidates, iterations, clock } = options;
  const config = options.config ?? DEFAULT_POLICY_CONFIG;
  const request = options.request ?? benchRequest();
  let sink = 0;
  const run = (count: number): void => {
    for (let i = 0; i < count; i++) {
      const plan = selectLayered({
        request,
        candidates,
        previousResponseAccountId: null,
        sessionAccountId: null,
        config,
        now: BENCH_NOW,
        rng: seededRng(i),
      });
      if (plan.kind === 'plan') sink += plan.attempts.length;
    }
  };
  run(iterations);
  const started = clock();
  run(iterations);
  const elapsedMs = clock() - started;
  // `sink` keeps the optimiser from discarding the calls.
  if (sink < 0) throw new Error('unreachable');
  return (elapsedMs * 1000) / iterations;
}

function makeAccount(id: number, random: () => number): Account {
  const antigravity = random() < 0.1;
  const tier = random();
  return {
    id,
    name: `bench-${id}`,
    platform: antigravity ? Platform.Antigravity : Platform.Anthropic,
    type: random() < 0.5 ? AccountType.OAuth : AccountType.ApiKey,
    status: random() < 0.02 ? AccountStatus.Disabled : AccountStatus.Active,
    schedulable: true,
    concurrency: 1 + Math.floor(random() * 10),
    priority: tier < 0.2 ? 1 : tier < 0.8 ? 10 : 50,
    rateLimitResetAt: random() < 0.05 ? BENCH_NOW + 60_000 : null,
    overloadUntil: random() < 0.02 ? BENCH_NOW + 30_000 : null,
    tempUnschedulableUntil: random() < 0.01 ? BENCH_NOW + 300_000 : null,
    tempUnschedulableReason: null,
    modelMapping: makeMapping(random),
    mixedScheduling: antigravity,
    lastUsedAt: BENCH_NOW - Math.floor(random() * 3_600_000),
    expiresAt: random() < 0.01 ? BENCH_NOW - 1 : null,
    groupIds: [1],
  };
}

function makeMapping(random: () => number): ModelMapping | null {
  const roll = random();
  if (roll < 0.6) return null;
  if (roll < 0.7) return { 'claude-haiku-*': '*' };
  if (roll < 0.85)
    return { 'claude-sonnet-4-5': 'claude-sonnet-4-5-20250929', 'claude-opus-*': '*' };
  return { 'claude-*': '*' };
}
