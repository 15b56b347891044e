import type { SelectRequest } from '@switchyard/contracts';
import type { Account, ModelMapping } from '@switchyard/domain';
import { makeTestAccount } from '@switchyard/harness';
import { KeyBuilder } from '@switchyard/redis';
import {
  BucketCandidates,
  BucketSource,
  DEFAULT_POLICY_CONFIG,
  liveCandidate,
  seededRng,
  selectLayered,
  type CandidateStats,
  type LiveCandidate,
  type PolicyConfig,
  type SelectionPlan,
} from '@switchyard/scheduler';

// The bucket's columns keep, per request shape, the eligible rows, their normalisers and their
// scores between selects. These tests change accounts, reports, loads and the clock under a
// bucket whose caches are warm, and check each plan against the reference policy over the
// candidate objects (no columns, nothing cached) as well as against the rule at stake.

const NOW = 1_750_000_000_000;
const keys = new KeyBuilder('sy:');
// Room for every account in the finalists, so a plan's attempts are exactly the eligible ones.
const EVERY: PolicyConfig = { ...DEFAULT_POLICY_CONFIG, topK: 100 };

function account(id: number, overrides: Partial<Account> = {}): Account {
  return makeTestAccount({ id, groupIds: [1], concurrency: 4, priority: 10, ...overrides });
}

function stats(ttftMs: number | null, errorRate = 0.01): CandidateStats {
  return { errorRate, ttftMs, samples: 20 };
}

function liveBucket(
  accounts: readonly Account[],
  statsOf: (id: number) => CandidateStats | null = () => null,
): BucketCandidates {
  return new BucketCandidates({
    key: 'g1:anthropic:mixed',
    version: 1,
    source: BucketSource.Snapshot,
    loadedAt: NOW,
    candidates: accounts.map((a) => liveCandidate(a, statsOf(a.id), keys)),
    liveLoadLimit: 256,
  });
}

function request(overrides: Partial<SelectRequest> = {}): SelectRequest {
  return {
    requestId: 'r',
    groupId: 1,
    platform: 'anthropic',
    model: 'claude-sonnet-4-5',
    excludedAccountIds: [],
    ...overrides,
  };
}

/** The plan over the bucket's columns, after checking it against the reference policy. */
function plan(
  bucket: BucketCandidates,
  now: number,
  options: { config?: PolicyConfig; request?: Partial<SelectRequest>; seed?: number } = {},
): SelectionPlan {
  const input = {
    request: request(options.request),
    candidates: bucket.candidates,
    previousResponseAccountId: null,
    sessionAccountId: null,
    config: options.config ?? EVERY,
    now,
  };
  const seed = options.seed ?? 1;
  const columnar = selectLayered({ ...input, columns: bucket.columns, rng: seededRng(seed) });
  expect(columnar).toEqual(selectLayered({ ...input, rng: seededRng(seed) }));
  return columnar;
}

function eligibleIds(bucket: BucketCandidates, now: number): number[] {
  const p = plan(bucket, now);
  return p.kind === 'plan' ? p.attempts.map((a) => a.accountId).sort((a, b) => a - b) : [];
}

function candidate(bucket: BucketCandidates, id: number): LiveCandidate {
  const found = bucket.get(id);
  if (found === undefined) throw new Error(`no account ${id}`);
  return found;
}

function update(bucket: BucketCandidates, id: number, patch: Partial<Account>): void {
  const live = candidate(bucket, id);
  live.account = { ...live.account, ...patch };
}

describe('selectLayered over bucket columns kept between selects', () => {
  it('never offers an account rate-limited after the cache was built, until the limit resets', () => {
    const bucket = liveBucket([1, 2, 3, 4, 5].map((id) => account(id)));
    expect(eligibleIds(bucket, NOW)).toEqual([1, 2, 3, 4, 5]);

    update(bucket, 3, { rateLimitResetAt: NOW + 60_000 });
    expect(eligibleIds(bucket, NOW)).toEqual([1, 2, 4, 5]);
    for (let seed = 0; seed < 50; seed++) {
      const p = plan(bucket, NOW + seed, { config: { ...EVERY, topK: 2 }, seed });
      expect(p.kind === 'plan' && p.attempts.some((a) => a.accountId === 3)).toBe(false);
    }
    expect(eligibleIds(bucket, NOW + 59_999)).toEqual([1, 2, 4, 5]);
    // The reset instant is the first one the upstream accepts requests at again.
    expect(eligibleIds(bucket, NOW + 60_000)).toEqual([1, 2, 3, 4, 5]);
  });

  it('offers an overloaded account from the instant its overload ends', () => {
    const bucket = liveBucket([
      account(1),
      account(2, { overloadUntil: NOW + 30_000 }),
      account(3),
    ]);
    expect(eligibleIds(bucket, NOW)).toEqual([1, 3]);
    expect(eligibleIds(bucket, NOW + 29_999)).toEqual([1, 3]);
    expect(eligibleIds(bucket, NOW + 30_000)).toEqual([1, 2, 3]);
    expect(eligibleIds(bucket, NOW + 90_000)).toEqual([1, 2, 3]);
  });

  it('keeps an account out until the latest of its blocks ends', () => {
    const bucket = liveBucket([
      account(1),
      account(2, { tempUnschedulableUntil: NOW + 5_000, rateLimitResetAt: NOW + 8_000 }),
    ]);
    expect(eligibleIds(bucket, NOW + 5_000)).toEqual([1]);
    expect(eligibleIds(bucket, NOW + 7_999)).toEqual([1]);
    expect(eligibleIds(bucket, NOW + 8_000)).toEqual([1, 2]);
  });

  it('drops an account at the instant it expires, and takes it back if the clock steps back', () => {
    const bucket = liveBucket([account(1), account(2, { expiresAt: NOW + 10_000 })]);
    expect(eligibleIds(bucket, NOW)).toEqual([1, 2]);
    expect(eligibleIds(bucket, NOW + 10_000)).toEqual([1]);
    expect(eligibleIds(bucket, NOW + 9_999)).toEqual([1, 2]);
  });

  it('takes an account back as soon as an event lifts its block', () => {
    const bucket = liveBucket([account(1), account(2, { rateLimitResetAt: NOW + 60_000 })]);
    expect(eligibleIds(bucket, NOW)).toEqual([1]);
    update(bucket, 2, { rateLimitResetAt: null });
    expect(eligibleIds(bucket, NOW)).toEqual([1, 2]);
    update(bucket, 2, { status: 'disabled' });
    expect(eligibleIds(bucket, NOW)).toEqual([1]);
  });

  it('rescores every account when the fastest one reports a slower first token', () => {
    const ttfts: Record<number, number> = { 1: 200, 2: 400 };
    const bucket = liveBucket(
      [1, 2, 3, 4].map((id) => account(id)),
      (id) => stats(ttfts[id] ?? 800),
    );
    const before = plan(bucket, NOW);
    expect(ttftTerm(before, 2)).toBe(EVERY.weights.ttft * (200 / 400));

    candidate(bucket, 1).stats = stats(5_000);
    const after = plan(bucket, NOW);
    // Account 2 is the fastest now: full marks, and the others are measured against it.
    expect(ttftTerm(after, 2)).toBe(EVERY.weights.ttft);
    expect(ttftTerm(after, 3)).toBe(EVERY.weights.ttft * (400 / 800));
  });

  it('rescores every account when a new fastest one reports', () => {
    const bucket = liveBucket(
      [1, 2, 3].map((id) => account(id)),
      () => stats(800),
    );
    expect(ttftTerm(plan(bucket, NOW), 1)).toBe(EVERY.weights.ttft);

    candidate(bucket, 3).stats = stats(200);
    expect(ttftTerm(plan(bucket, NOW), 1)).toBe(EVERY.weights.ttft * (200 / 800));
    // And back when its next report is slow again.
    candidate(bucket, 3).stats = stats(1_600);
    expect(ttftTerm(plan(bucket, NOW), 1)).toBe(EVERY.weights.ttft);
  });

  it('moves the priority range when the only top-priority account becomes unschedulable', () => {
    const bucket = liveBucket([
      account(1, { priority: 1 }),
      account(2, { priority: 10 }),
      account(3, { priority: 50 }),
    ]);
    expect(priorityTerm(plan(bucket, NOW), 2)).toBe(EVERY.weights.priority * (40 / 49));
    update(bucket, 1, { overloadUntil: NOW + 1_000 });
    expect(priorityTerm(plan(bucket, NOW), 2)).toBe(EVERY.weights.priority);
    expect(priorityTerm(plan(bucket, NOW + 1_000), 2)).toBe(EVERY.weights.priority * (40 / 49));
  });

  it('follows loads written after the cache was built', () => {
    const bucket = liveBucket([1, 2, 3].map((id) => account(id)));
    const best = (): number => {
      const p = plan(bucket, NOW, { config: { ...EVERY, topK: 1 } });
      return p.kind === 'plan' ? p.attempts[0]!.accountId : -1;
    };
    // All equal: the lowest id wins the tie.
    expect(best()).toBe(1);
    candidate(bucket, 1).load.inUse = 4;
    expect(best()).toBe(2);
    candidate(bucket, 2).load.waiting = 50;
    expect(best()).toBe(3);
    candidate(bucket, 1).load.inUse = 0;
    expect(best()).toBe(1);
  });

  it('leaves excluded accounts out, also those that set the normalisers', () => {
    const ttfts: Record<number, number> = { 1: 200, 2: 400 };
    const bucket = liveBucket(
      [1, 2, 3, 4].map((id) => account(id, { priority: id === 4 ? 1 : 10 })),
      (id) => stats(ttfts[id] ?? 800),
    );
    plan(bucket, NOW);
    for (const excluded of [[3], [1], [4], [1, 4], [2, 2, 99], [1, 2, 3, 4]]) {
      const p = plan(bucket, NOW, { request: { excludedAccountIds: excluded } });
      const ids = p.kind === 'plan' ? p.attempts.map((a) => a.accountId) : [];
      expect(ids.some((id) => excluded.includes(id))).toBe(false);
    }
    const none = plan(bucket, NOW, { request: { excludedAccountIds: [1, 2, 3, 4] } });
    expect(none.kind === 'none' && none.rejected.excluded).toBe(4);
  });

  it('stays right when requests come in more shapes than a bucket keeps caches for', () => {
    const bucket = liveBucket(
      [1, 2, 3, 4].map((id) => account(id)),
      () => stats(500),
    );
    const models = Array.from({ length: 40 }, (_, i) => `model-${i}`);
    for (let pass = 0; pass < 3; pass++) {
      for (const model of models) plan(bucket, NOW, { request: { model } });
      update(bucket, 1 + pass, { overloadUntil: NOW + 1_000 });
      candidate(bucket, 4).load.inUse = pass;
      for (const model of models) {
        const p = plan(bucket, NOW, { request: { model } });
        expect(p.kind === 'plan' && p.attempts.some((a) => a.accountId === 1 + pass)).toBe(false);
      }
    }
  });

  it('plans like the reference through a long run of events, reports, loads and clock steps', () => {
    const random = seededRng(424_242);
    let planned = 0;
    for (let round = 0; round < 60; round++) {
      // Some buckets repeat ids, as a hand-built one can; snapshots never do.
      const repeatIds = round % 4 === 3;
      const size = 1 + Math.floor(random() * 40);
      const accounts = Array.from({ length: size }, (_, i) =>
        randomAccount(random, repeatIds ? 1 + Math.floor(random() * 20) : i + 1),
      );
      const bucket = liveBucket(accounts, () => randomStats(random));
      for (const live of bucket.candidates) live.load.inUse = Math.floor(random() * 5);
      let now = NOW;
      for (let step = 0; step < 60; step++) {
        now = nextNow(random, now);
        const changes = Math.floor(random() * 3);
        for (let c = 0; c < changes; c++) {
          const live = bucket.candidates[Math.floor(random() * bucket.size)]!;
          const roll = random();
          if (roll < 0.3) live.account = randomAccount(random, live.account.id);
          else if (roll < 0.6) live.stats = randomStats(random);
          else if (roll < 0.8) live.load.inUse = Math.floor(random() * 5);
          else live.load.waiting = Math.floor(random() * 4);
        }
        const p = plan(bucket, now, {
          request: pick(random, REQUESTS),
          config: pick(random, CONFIGS),
          seed: step,
        });
        if (p.kind === 'plan') planned += 1;
      }
    }
    expect(planned).toBeGreaterThan(1_000);
  });
});

function ttftTerm(p: SelectionPlan, id: number): number | undefined {
  return p.kind === 'plan' ? p.attempts.find((a) => a.accountId === id)?.score?.ttft : undefined;
}

function priorityTerm(p: SelectionPlan, id: number): number | undefined {
  return p.kind === 'plan'
    ? p.attempts.find((a) => a.accountId === id)?.score?.priority
    : undefined;
}

function pick<T>(random: () => number, values: readonly T[]): T {
  return values[Math.floor(random() * values.length)]!;
}

// A few request shapes, so the per-shape caches are reused from select to select.
const REQUESTS: Partial<SelectRequest>[] = [
  {},
  {},
  { model: undefined },
  { model: 'claude-haiku-4-5' },
  { forcePlatform: true },
  { excludedAccountIds: [2] },
  { excludedAccountIds: [1, 5, 9] },
];

const CONFIGS: PolicyConfig[] = [EVERY, DEFAULT_POLICY_CONFIG, { ...EVERY, topK: 3 }];

// Instants the accounts' blocks and expiries fall on, so the clock lands on them exactly.
const INSTANTS = [NOW - 1_000, NOW, NOW + 500, NOW + 2_000, NOW + 5_000, NOW + 20_000];

function nextNow(random: () => number, now: number): number {
  const roll = random();
  if (roll < 0.5) return now + Math.floor(random() * 800);
  if (roll < 0.8) return pick(random, INSTANTS) + (random() < 0.5 ? 0 : -1);
  if (roll < 0.9) return now - Math.floor(random() * 3_000);
  return now;
}

function instant(random: () => number): number | null {
  return random() < 0.4 ? null : pick(random, INSTANTS);
}

const MAPPINGS: (ModelMapping | null)[] = [
  null,
  null,
  { 'claude-haiku-*': '*' },
  { 'claude-sonnet-4-5': 'claude-sonnet-4-5-20250929' },
];

function randomAccount(random: () => number, id: number): Account {
  return account(id, {
    platform: random() < 0.8 ? 'anthropic' : 'antigravity',
    mixedScheduling: random() < 0.7,
    status: random() < 0.9 ? 'active' : 'disabled',
    concurrency: Math.floor(random() * 5),
    priority: pick(random, [1, 10, 10, 50]),
    rateLimitResetAt: random() < 0.3 ? instant(random) : null,
    overloadUntil: random() < 0.15 ? instant(random) : null,
    tempUnschedulableUntil: random() < 0.15 ? instant(random) : null,
    expiresAt: random() < 0.2 ? instant(random) : null,
    modelMapping: pick(random, MAPPINGS),
  });
}

function randomStats(random: () => number): CandidateStats | null {
  if (random() < 0.2) return null;
  return stats(
    random() < 0.2 ? null : pick(random, [0, 150, 400, 400, 800, 3_000 * random()]),
    random() < 0.3 ? 0 : random() * 0.6,
  );
}
