import type { SelectRequest } from '@switchyard/contracts';
import type { Account, ModelMapping } from '@switchyard/domain';
import { KeyBuilder } from '@switchyard/redis';
import {
  BucketCandidates,
  BucketColumns,
  BucketSource,
  DEFAULT_POLICY_CONFIG,
  liveCandidate,
  seededRng,
  selectLayered,
  type Candidate,
  type CandidateStats,
  type PolicyInput,
} from '@switchyard/scheduler';

const NOW = 1_750_000_000_000;
const keys = new KeyBuilder('sy:');

const PLATFORMS = ['anthropic', 'antigravity', 'openai', 'gemini'] as const;
const MAPPINGS: (ModelMapping | null)[] = [
  null,
  { 'claude-haiku-*': '*' },
  { 'claude-sonnet-4-5': 'claude-sonnet-4-5-20250929', 'claude-opus-*': '*' },
  { 'claude-*': '*' },
  { 'gpt-5': 'gpt-5' },
];
const MODELS = [undefined, 'claude-sonnet-4-5', 'claude-haiku-4-5', 'gpt-5'];

function pick<T>(random: () => number, values: readonly T[]): T {
  return values[Math.floor(random() * values.length)]!;
}

// An instant around NOW that hits the edges (exactly NOW) as often as the clear cases.
function instant(random: () => number): number | null {
  return pick(random, [null, null, NOW - 1_000, NOW, NOW + 1, NOW + 60_000]);
}

function randomAccount(random: () => number, id: number): Account {
  return {
    id,
    name: `a${id}`,
    platform: pick(random, PLATFORMS),
    type: 'apikey',
    status: random() < 0.85 ? 'active' : pick(random, ['disabled', 'error'] as const),
    schedulable: random() < 0.9,
    concurrency: Math.floor(random() * 6),
    priority: pick(random, [1, 10, 10, 50]),
    rateLimitResetAt: random() < 0.2 ? instant(random) : null,
    overloadUntil: random() < 0.1 ? instant(random) : null,
    tempUnschedulableUntil: random() < 0.1 ? instant(random) : null,
    tempUnschedulableReason: null,
    modelMapping: pick(random, MAPPINGS),
    mixedScheduling: random() < 0.5,
    lastUsedAt: null,
    expiresAt: random() < 0.15 ? instant(random) : null,
    groupIds: [1],
  };
}

function randomStats(random: () => number): CandidateStats | null {
  if (random() < 0.25) return null;
  return {
    errorRate: random() < 0.3 ? 0 : random(),
    ttftMs: random() < 0.2 ? null : pick(random, [0, 400, 800, 800, 5_000 * random()]),
    samples: 1 + Math.floor(random() * 20),
  };
}

function randomCandidates(random: () => number): Candidate[] {
  const n = Math.floor(random() * 40);
  // Ids from a small range, so some repeat and the sticky lookups hit and miss.
  return Array.from({ length: n }, () => ({
    account: randomAccount(random, 1 + Math.floor(random() * 50)),
    stats: randomStats(random),
    load: { inUse: Math.floor(random() * 7), waiting: Math.floor(random() * 5) },
  }));
}

function randomRequest(random: () => number): SelectRequest {
  const excluded = Array.from({ length: Math.floor(random() * 4) }, () =>
    Math.floor(1 + random() * 50),
  );
  const request: SelectRequest = {
    requestId: 'r',
    groupId: 1,
    platform: pick(random, PLATFORMS),
    excludedAccountIds: random() < 0.5 ? [] : excluded,
  };
  const model = pick(random, MODELS);
  if (model !== undefined) request.model = model;
  if (random() < 0.3) request.forcePlatform = true;
  if (random() < 0.3) request.transport = pick(random, ['http', 'ws'] as const);
  if (random() < 0.3) request.sessionHash = 's';
  return request;
}

function randomInput(random: () => number, candidates: readonly Candidate[]): PolicyInput {
  const someId = (): number | null => (random() < 0.6 ? null : 1 + Math.floor(random() * 50));
  return {
    request: randomRequest(random),
    candidates,
    previousResponseAccountId: someId(),
    sessionAccountId: someId(),
    config: {
      ...DEFAULT_POLICY_CONFIG,
      topK: 1 + Math.floor(random() * 8),
      stickyEscapeEnabled: random() < 0.8,
      fallbackMaxWaiting: pick(random, [0, 3, 100]),
    },
    now: NOW + pick(random, [0, 0, 1, 60_000]),
    rng: () => 0,
  };
}

/** Both implementations on the same input, each with its own copy of the same seeded rng. */
function bothPlans(input: PolicyInput, columns: BucketColumns, seed: number) {
  return {
    reference: selectLayered({ ...input, rng: seededRng(seed) }),
    columnar: selectLayered({ ...input, columns, rng: seededRng(seed) }),
  };
}

describe('selectLayered over bucket columns', () => {
  it('plans exactly as over the candidate objects, on random buckets and requests', () => {
    const random = seededRng(20_251_122);
    let planned = 0;
    for (let round = 0; round < 1_500; round++) {
      const candidates = randomCandidates(random);
      const columns = new BucketColumns(candidates);
      for (let request = 0; request < 4; request++) {
        const { reference, columnar } = bothPlans(randomInput(random, candidates), columns, round);
        expect(columnar).toEqual(reference);
        if (reference.kind === 'plan') planned += 1;
      }
    }
    // The random inputs exercise both outcomes, not only "nothing eligible".
    expect(planned).toBeGreaterThan(1_000);
  });

  it('stays identical while accounts, statistics and loads change under a live bucket', () => {
    const random = seededRng(7_331);
    for (let round = 0; round < 300; round++) {
      const candidates = randomCandidates(random).map((c) => {
        const live = liveCandidate(c.account, c.stats, keys);
        live.load.inUse = c.load.inUse;
        live.load.waiting = c.load.waiting;
        return live;
      });
      const bucket = new BucketCandidates({
        key: 'g1:anthropic:mixed',
        version: 1,
        source: BucketSource.Snapshot,
        loadedAt: NOW,
        candidates,
        liveLoadLimit: 256,
      });
      for (let step = 0; step < 6; step++) {
        // Warm the per-shape caches, then change rows under them as events, reports and load
        // reads do in the service.
        const input = randomInput(random, bucket.candidates);
        const before = bothPlans(input, bucket.columns, step);
        expect(before.columnar).toEqual(before.reference);
        for (const candidate of bucket.candidates) {
          const roll = random();
          if (roll < 0.15) candidate.account = randomAccount(random, candidate.account.id);
          else if (roll < 0.3) candidate.stats = randomStats(random);
          else if (roll < 0.45) candidate.load.inUse = Math.floor(random() * 7);
          else if (roll < 0.6) candidate.load.waiting = Math.floor(random() * 5);
        }
        const after = bothPlans({ ...input, candidates: bucket.candidates }, bucket.columns, step);
        expect(after.columnar).toEqual(after.reference);
      }
    }
  });
});
