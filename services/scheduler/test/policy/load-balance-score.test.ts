import { Platform, type ModelMapping } from '@switchyard/domain';
import {
  compareRanked,
  eligibilityContext,
  ineligibility,
  seededRng,
  selectLayered,
  type Candidate,
  type PlannedSelection,
  type PolicyConfig,
  type SelectionPlan,
} from '../../src/policy/index.js';
import {
  NOW,
  healthyStats,
  makeCandidate,
  makeInput,
  makeRequest,
  type InputOverrides,
} from './fixtures.js';

function expectPlan(plan: SelectionPlan): PlannedSelection {
  if (plan.kind !== 'plan') throw new Error(`expected a plan, got ${plan.reason}`);
  return plan;
}

function plan(candidates: readonly Candidate[], overrides: InputOverrides = {}): PlannedSelection {
  return expectPlan(selectLayered(makeInput(candidates, overrides)));
}

/**
 * The score formula of issue 3, written out independently of the implementation:
 * w_p·priority + w_l·(1 − loadRate) + w_q·(1 − waiting/maxWaiting) + w_e·(1 − errorRate)
 * + w_t·ttft, with priority and TTFT relative to the eligible candidates.
 */
function referenceScores(
  eligible: readonly Candidate[],
  config: PolicyConfig,
): Map<number, number> {
  const priorities = eligible.map((c) => c.account.priority);
  const maxPriority = Math.max(...priorities);
  const range = maxPriority - Math.min(...priorities);
  const ttfts = eligible.flatMap((c) =>
    c.stats?.ttftMs == null ? [] : [Math.max(1, c.stats.ttftMs)],
  );
  const minTtft = ttfts.length === 0 ? null : Math.min(...ttfts);
  const w = config.weights;
  return new Map(
    eligible.map((c) => {
      const priority = range === 0 ? 1 : (maxPriority - c.account.priority) / range;
      const load = 1 - Math.min(1, c.load.inUse / c.account.concurrency);
      const queue = 1 - Math.min(1, c.load.waiting / config.fallbackMaxWaiting);
      const error = 1 - (c.stats?.errorRate ?? 0);
      const ttftMs = c.stats?.ttftMs ?? null;
      const ttft = ttftMs === null || minTtft === null ? 1 : minTtft / Math.max(1, ttftMs);
      return [
        c.account.id,
        w.priority * priority +
          w.load * load +
          w.queue * queue +
          w.errorRate * error +
          w.ttft * ttft,
      ];
    }),
  );
}

function randomBucket(seed: number): Candidate[] {
  const random = seededRng(seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;
  const count = 1 + Math.floor(random() * 60);
  return Array.from({ length: count }, (_, i) => {
    const concurrency = pick([1, 2, 3, 5, 10]);
    return makeCandidate({
      id: i + 1,
      platform: pick([
        Platform.Anthropic,
        Platform.Anthropic,
        Platform.Antigravity,
        Platform.OpenAI,
      ]),
      mixedScheduling: random() < 0.7,
      priority: pick([1, 5, 10, 50]),
      concurrency,
      rateLimitResetAt: random() < 0.1 ? NOW + 1_000 : null,
      schedulable: random() < 0.95,
      modelMapping: pick<ModelMapping | null>([null, null, { 'claude-*': '*' }, { 'gpt-*': '*' }]),
      load: { inUse: Math.floor(random() * (concurrency + 2)), waiting: pick([0, 0, 1, 5, 150]) },
      stats:
        random() < 0.3
          ? null
          : {
              errorRate: pick([0, 0.05, 0.2, 0.6]),
              ttftMs: random() < 0.2 ? null : pick([0, 400, 800, 2_000, 20_000]),
              samples: 10,
            },
    });
  });
}

describe('selectLayered: load-balance scoring', () => {
  it('computes the documented score breakdown, weights applied', () => {
    const result = plan(
      [
        makeCandidate({
          id: 1,
          priority: 1,
          concurrency: 4,
          load: { inUse: 1, waiting: 10 },
          stats: { errorRate: 0.1, ttftMs: 1_000, samples: 20 },
        }),
        makeCandidate({ id: 2, priority: 5, stats: { errorRate: 0, ttftMs: 2_000, samples: 20 } }),
      ],
      { rng: () => 0 },
    );
    const byId = new Map(result.attempts.map((a) => [a.accountId, a.score]));
    const first = byId.get(1);
    expect(first?.priority).toBeCloseTo(1, 12);
    expect(first?.load).toBeCloseTo(0.75, 12);
    expect(first?.queue).toBeCloseTo(0.7 * 0.9, 12);
    expect(first?.errorRate).toBeCloseTo(0.8 * 0.9, 12);
    expect(first?.ttft).toBeCloseTo(0.5, 12);
    expect(first?.total).toBeCloseTo(3.6, 12);
    expect(byId.get(2)).toEqual({
      total: 0 + 1 + 0.7 + 0.8 + 0.25,
      priority: 0,
      load: 1,
      queue: 0.7,
      errorRate: 0.8,
      ttft: 0.25,
    });
  });

  it('gives an account without statistics a clean error rate and a neutral TTFT factor', () => {
    const result = plan([
      makeCandidate({ id: 1 }),
      makeCandidate({ id: 2, stats: healthyStats() }),
    ]);
    const fresh = result.attempts.find((a) => a.accountId === 1)?.score;
    expect(fresh).toMatchObject({ errorRate: 0.8, ttft: 0.5 });
  });

  it('scores every priority 1 when all candidates share one', () => {
    const result = plan([
      makeCandidate({ id: 1, priority: 7 }),
      makeCandidate({ id: 2, priority: 7 }),
    ]);
    for (const attempt of result.attempts) expect(attempt.score?.priority).toBe(1);
  });

  it('counts an over-full account as fully loaded and a queue past the limit as full', () => {
    const result = plan([
      makeCandidate({ id: 1, concurrency: 2, load: { inUse: 5, waiting: 500 } }),
    ]);
    expect(result.attempts[0]?.score).toMatchObject({ load: 0, queue: 0 });
  });

  it('plans the top K by score (property test against the written-out formula)', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const candidates = randomBucket(seed);
      const input = makeInput(candidates, {
        rng: seededRng(seed),
        config: { topK: 1 + (seed % 9) },
      });
      const context = eligibilityContext(input.request, NOW);
      const eligible = candidates.filter((c) => ineligibility(c.account, context) === null);
      const result = selectLayered(input);
      if (eligible.length === 0) {
        expect(result.kind).toBe('none');
        continue;
      }
      const planned = expectPlan(result);
      const scores = referenceScores(eligible, input.config);
      const ranked = eligible
        .map((c) => ({
          score: scores.get(c.account.id) as number,
          priority: c.account.priority,
          loadRate: Math.min(1, c.load.inUse / c.account.concurrency),
          waiting: c.load.waiting,
          id: c.account.id,
        }))
        .sort(compareRanked);
      const expected = ranked.slice(0, input.config.topK).map((key) => key.id);
      expect(planned.attempts.map((a) => a.accountId).sort((a, b) => a - b)).toEqual(
        [...expected].sort((a, b) => a - b),
      );
      expect(planned.waitPlan.accountId).toBe(expected[0]);
      expect(planned.candidateCount).toBe(eligible.length);
      expect(planned.topK).toBe(expected.length);
      for (const attempt of planned.attempts) {
        expect(attempt.score?.total).toBeCloseTo(scores.get(attempt.accountId) as number, 9);
      }
    }
  });

  it('filters exactly as `ineligibility` says, rule by rule', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const candidates = randomBucket(seed);
      const request = makeRequest({
        excludedAccountIds: seed % 3 === 0 ? [1, 2] : [],
        forcePlatform: seed % 5 === 0,
        transport: seed % 7 === 0 ? 'ws' : undefined,
      });
      const result = selectLayered(makeInput(candidates, { request, config: { topK: 100 } }));
      const context = eligibilityContext(request, NOW);
      const verdicts = candidates.map((c) => ineligibility(c.account, context));
      const eligibleIds = candidates
        .filter((_, i) => verdicts[i] === null)
        .map((c) => c.account.id);
      if (result.kind === 'none') {
        expect(eligibleIds).toEqual([]);
        const counts = { excluded: 0, platform: 0, transport: 0, unschedulable: 0, model: 0 };
        for (const verdict of verdicts) if (verdict !== null) counts[verdict] += 1;
        expect(result.rejected).toEqual(counts);
      } else {
        expect(result.attempts.map((a) => a.accountId).sort((a, b) => a - b)).toEqual(eligibleIds);
      }
    }
  });

  it('breaks score ties by priority, then load, then waiting, then id', () => {
    const flat = { weights: { priority: 0, load: 0, queue: 0, errorRate: 0, ttft: 0 }, topK: 1 };
    const best = (candidates: Candidate[]) => plan(candidates, { config: flat }).waitPlan.accountId;
    expect(
      best([makeCandidate({ id: 1, priority: 9 }), makeCandidate({ id: 2, priority: 3 })]),
    ).toBe(2);
    expect(
      best([
        makeCandidate({ id: 1, load: { inUse: 2 } }),
        makeCandidate({ id: 2, load: { inUse: 1 } }),
      ]),
    ).toBe(2);
    expect(
      best([
        makeCandidate({ id: 1, load: { waiting: 4 } }),
        makeCandidate({ id: 2, load: { waiting: 0 } }),
      ]),
    ).toBe(2);
    expect(best([makeCandidate({ id: 2 }), makeCandidate({ id: 1 })])).toBe(1);
  });

  it('measures load skew as the standard deviation of load rate over eligible candidates', () => {
    const result = plan([
      makeCandidate({ id: 1, concurrency: 2, load: { inUse: 0 } }),
      makeCandidate({ id: 2, concurrency: 2, load: { inUse: 1 } }),
      makeCandidate({ id: 3, concurrency: 2, load: { inUse: 7 } }),
      makeCandidate({ id: 4, concurrency: 2, load: { inUse: 2 }, rateLimitResetAt: NOW + 1 }),
    ]);
    // Rates 0, 0.5, 1 (capped); the rate-limited account does not count.
    expect(result.loadSkew).toBeCloseTo(Math.sqrt(1 / 6), 12);
    expect(
      plan([
        makeCandidate({ id: 1, load: { inUse: 1 } }),
        makeCandidate({ id: 2, load: { inUse: 1 } }),
      ]).loadSkew,
    ).toBe(0);
  });

  it('keeps at most K finalists', () => {
    const candidates = Array.from({ length: 30 }, (_, i) => makeCandidate({ id: i + 1 }));
    expect(plan(candidates).attempts).toHaveLength(7);
    expect(plan(candidates, { config: { topK: 3 } }).attempts).toHaveLength(3);
    expect(plan(candidates.slice(0, 2)).attempts).toHaveLength(2);
  });

  it('waits on the best-scored finalist with the fallback limits', () => {
    const result = plan(
      [
        makeCandidate({ id: 1, priority: 50 }),
        makeCandidate({ id: 2, priority: 1, concurrency: 8 }),
      ],
      { config: { fallbackMaxWaiting: 12, fallbackWaitTimeoutMs: 9_000 } },
    );
    expect(result.waitPlan).toEqual({
      accountId: 2,
      maxConcurrency: 8,
      timeoutMs: 9_000,
      maxWaiting: 12,
    });
  });
});

describe('selectLayered: weighted order of the finalists', () => {
  const candidates = Array.from({ length: 12 }, (_, i) =>
    makeCandidate({
      id: i + 1,
      priority: 1 + (i % 4),
      load: { inUse: i % 3 },
      stats: healthyStats({ errorRate: (i % 5) / 20, ttftMs: 500 + 100 * i }),
    }),
  );
  const orderFor = (seed: number) =>
    plan(candidates, { rng: seededRng(seed) }).attempts.map((a) => a.accountId);

  it('is reproducible for a fixed seed', () => {
    for (let seed = 0; seed < 20; seed++) expect(orderFor(seed)).toEqual(orderFor(seed));
  });

  it('differs across seeds', () => {
    const orders = new Set(Array.from({ length: 40 }, (_, seed) => orderFor(seed).join(',')));
    expect(orders.size).toBeGreaterThan(20);
  });

  it('draws the same finalists whatever the seed', () => {
    const finalists = [...orderFor(1)].sort((a, b) => a - b);
    for (let seed = 2; seed < 30; seed++) {
      expect([...orderFor(seed)].sort((a, b) => a - b)).toEqual(finalists);
    }
  });

  it('does not depend on the order of the candidates', () => {
    const reversed = [...candidates].reverse();
    for (let seed = 0; seed < 10; seed++) {
      expect(plan(reversed, { rng: seededRng(seed) }).attempts.map((a) => a.accountId)).toEqual(
        orderFor(seed),
      );
    }
  });
});
