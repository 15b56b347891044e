import {
  metricsRequestSchema,
  metricsSnapshotSchema,
  reportSchema,
  selectRequestSchema,
  selectResultSchema,
  type MetricsSnapshot,
  type SelectResult,
} from '@switchyard/contracts';
import { expectMalformed, issuePaths, roundTrip, without } from './decode-helpers.js';

describe('selectRequestSchema', () => {
  const request = {
    requestId: 'req-1',
    groupId: 4,
    platform: 'anthropic',
    forcePlatform: false,
    sessionHash: 'abc123',
    previousResponseId: 'resp_1',
    model: 'claude-sonnet-4-5',
    transport: 'ws',
    excludedAccountIds: [3, 8],
  };

  it('accepts a full request', () => {
    expect(roundTrip(selectRequestSchema, request)).toEqual(request);
  });

  it('defaults excludedAccountIds to an empty list and accepts group 0', () => {
    const minimal = { requestId: 'req-2', groupId: 0, platform: 'openai' };
    expect(roundTrip(selectRequestSchema, minimal)).toEqual({ ...minimal, excludedAccountIds: [] });
  });

  it.each([
    ['an unknown platform', { ...request, platform: 'azure' }, 'platform'],
    ['a negative group', { ...request, groupId: -1 }, 'groupId'],
    ['a fractional group', { ...request, groupId: 1.5 }, 'groupId'],
    ['a missing request id', without(request, 'requestId'), 'requestId'],
    ['an empty request id', { ...request, requestId: '' }, 'requestId'],
    [
      'a non-integer excluded id',
      { ...request, excludedAccountIds: [1, 'x'] },
      'excludedAccountIds.1',
    ],
    ['an unknown transport', { ...request, transport: 'grpc' }, 'transport'],
  ])('rejects %s', (_label, message, path) => {
    expect(issuePaths(expectMalformed(selectRequestSchema, message))).toContain(path);
  });
});

describe('selectResultSchema', () => {
  const base = {
    account: { id: 12, platform: 'gemini', type: 'oauth', concurrency: 3 },
    decision: {
      layer: 'load_balance',
      candidateCount: 14,
      topK: 7,
      loadSkew: 0.25,
      escapeReason: null,
      score: { total: 1.9, priority: 0.5, load: 0.6, queue: 0.1, errorRate: 0.2, ttft: 0.5 },
    },
  };
  const slot = { acquired: true, token: 'slot-token', expiresAt: 1_700_000_060_000 };
  const waitPlan = { accountId: 12, maxConcurrency: 3, timeoutMs: 30_000, maxWaiting: 20 };

  it('accepts a result that acquired a slot', () => {
    const result: SelectResult = roundTrip(selectResultSchema, { ...base, slot });
    expect(result.slot?.token).toBe('slot-token');
    expect(result.waitPlan).toBeUndefined();
  });

  it('accepts a result that carries a wait plan', () => {
    const result = roundTrip(selectResultSchema, { ...base, waitPlan });
    expect(result.waitPlan).toEqual(waitPlan);
  });

  it('accepts a session-layer decision without a score', () => {
    const decision = { ...without(base.decision, 'score'), layer: 'session', escapeReason: null };
    expect(roundTrip(selectResultSchema, { ...base, decision, slot }).decision.layer).toBe(
      'session',
    );
  });

  it('accepts a session lease beside a slot', () => {
    const result = roundTrip(selectResultSchema, { ...base, slot, lease: { ttlMs: 10_000 } });
    expect(result.lease).toEqual({ ttlMs: 10_000 });
  });

  it('rejects a lease beside a wait plan, and a lease without a positive whole ttl', () => {
    expect(
      issuePaths(expectMalformed(selectResultSchema, { ...base, waitPlan, lease: { ttlMs: 5 } })),
    ).toEqual(['lease']);
    for (const ttlMs of [0, -1, 2.5, '10']) {
      expect(
        issuePaths(expectMalformed(selectResultSchema, { ...base, slot, lease: { ttlMs } })),
      ).toEqual(['lease.ttlMs']);
    }
  });

  it('rejects a result with both a slot and a wait plan', () => {
    expect(issuePaths(expectMalformed(selectResultSchema, { ...base, slot, waitPlan }))).toEqual([
      '',
    ]);
  });

  it('rejects a result with neither a slot nor a wait plan', () => {
    expect(expectMalformed(selectResultSchema, base).message).toContain('exactly one');
  });

  it.each([
    [
      'an unknown layer',
      { ...base, decision: { ...base.decision, layer: 'random' }, slot },
      'decision.layer',
    ],
    [
      'a slot that was not acquired',
      { ...base, slot: { ...slot, acquired: false } },
      'slot.acquired',
    ],
    [
      'an unknown account type',
      { ...base, account: { ...base.account, type: 'cookie' }, slot },
      'account.type',
    ],
    [
      'a missing escape reason',
      { ...base, decision: without(base.decision, 'escapeReason'), slot },
      'decision.escapeReason',
    ],
  ])('rejects %s', (_label, message, path) => {
    expect(issuePaths(expectMalformed(selectResultSchema, message))).toContain(path);
  });
});

describe('reportSchema', () => {
  it('accepts a full report and a minimal one', () => {
    const full = {
      accountId: 5,
      requestId: 'req-1',
      success: false,
      firstTokenMs: 812.4,
      durationMs: 4100,
      statusCode: 529,
    };
    expect(roundTrip(reportSchema, full)).toEqual(full);
    expect(roundTrip(reportSchema, { accountId: 5, success: true })).toEqual({
      accountId: 5,
      success: true,
    });
  });

  it.each([
    ['a missing success flag', { accountId: 5 }, 'success'],
    ['a string account id', { accountId: '5', success: true }, 'accountId'],
    ['a negative duration', { accountId: 5, success: true, durationMs: -1 }, 'durationMs'],
    ['an impossible status code', { accountId: 5, success: true, statusCode: 42 }, 'statusCode'],
  ])('rejects %s', (_label, message, path) => {
    expect(issuePaths(expectMalformed(reportSchema, message))).toContain(path);
  });
});

describe('metrics messages', () => {
  const snapshot: MetricsSnapshot = {
    replicaId: 'scheduler-0',
    selectTotal: 100,
    previousResponseHits: 10,
    sessionHits: 40,
    loadBalanceSelects: 50,
    switches: 5,
    escapes: 2,
    decisionLatencyAvgUs: 85.5,
    decisionLatencyP99Us: 410,
    stickyHitRatio: 0.5,
    switchRate: 0.05,
    loadSkewAvg: 0.3,
    accountsWithStats: 12,
  };

  it('accepts an empty metrics request', () => {
    expect(roundTrip(metricsRequestSchema, {})).toEqual({});
  });

  it('rejects a metrics request that is not an object', () => {
    expectMalformed(metricsRequestSchema, 'metrics please');
  });

  it('accepts a metrics snapshot', () => {
    expect(roundTrip(metricsSnapshotSchema, snapshot)).toEqual(snapshot);
  });

  it.each([
    ['a ratio above 1', { ...snapshot, stickyHitRatio: 1.5 }, 'stickyHitRatio'],
    ['a fractional counter', { ...snapshot, selectTotal: 1.5 }, 'selectTotal'],
    ['a missing replica id', without(snapshot, 'replicaId'), 'replicaId'],
  ])('rejects a snapshot with %s', (_label, message, path) => {
    expect(issuePaths(expectMalformed(metricsSnapshotSchema, message))).toContain(path);
  });
});
