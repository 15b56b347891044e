import {
  BENCH_NOW,
  DEFAULT_POLICY_CONFIG,
  POLICY_NAMES,
  benchRequest,
  isPolicyName,
  makeCandidates,
  policies,
  seededRng,
  selectLayered,
  supportsTransport,
} from '../../src/policy/index.js';
import { Platform } from '@switchyard/domain';

describe('policies', () => {
  it('registers the layered policy under "layered"', () => {
    expect(policies.layered).toBe(selectLayered);
    expect(POLICY_NAMES).toEqual(['layered']);
    expect(isPolicyName('layered')).toBe(true);
    expect(isPolicyName('random')).toBe(false);
    expect(isPolicyName('toString')).toBe(false);
  });
});

describe('DEFAULT_POLICY_CONFIG', () => {
  it('holds the documented defaults', () => {
    expect(DEFAULT_POLICY_CONFIG).toEqual({
      stickyEscapeEnabled: true,
      stickyEscapeTtftMs: 15_000,
      stickyEscapeErrorRate: 0.5,
      weights: { priority: 1, load: 1, queue: 0.7, errorRate: 0.8, ttft: 0.5 },
      topK: 7,
      stickyMaxWaiting: 3,
      stickyWaitTimeoutMs: 120_000,
      fallbackMaxWaiting: 100,
      fallbackWaitTimeoutMs: 30_000,
    });
  });
});

describe('supportsTransport', () => {
  it('carries HTTP (or an unstated transport) on every platform and WebSocket on openai only', () => {
    for (const platform of Object.values(Platform)) {
      expect(supportsTransport({ platform }, undefined)).toBe(true);
      expect(supportsTransport({ platform }, 'http')).toBe(true);
      expect(supportsTransport({ platform }, 'ws')).toBe(platform === Platform.OpenAI);
    }
  });
});

describe('makeCandidates (bench support)', () => {
  it('builds the same bucket for the same seed', () => {
    expect(makeCandidates(50, 9)).toEqual(makeCandidates(50, 9));
    expect(makeCandidates(50, 9)).not.toEqual(makeCandidates(50, 10));
  });

  it('mixes in accounts the policy must filter, and leaves plenty to choose from', () => {
    const candidates = makeCandidates(2_000, 1);
    const plan = selectLayered({
      request: benchRequest(),
      candidates,
      previousResponseAccountId: null,
      sessionAccountId: null,
      config: DEFAULT_POLICY_CONFIG,
      now: BENCH_NOW,
      rng: seededRng(1),
    });
    if (plan.kind !== 'plan') throw new Error('expected a plan');
    expect(plan.candidateCount).toBeGreaterThan(1_000);
    expect(plan.candidateCount).toBeLessThan(2_000);
    expect(plan.attempts).toHaveLength(DEFAULT_POLICY_CONFIG.topK);
  });
});
