import { Platform, type Account } from '@switchyard/domain';
import {
  DEFAULT_POLICY_CONFIG,
  EscapeReason,
  selectLayered,
  type PlannedSelection,
  type SelectionPlan,
} from '../../src/policy/index.js';
import { NOW, healthyStats, makeCandidate, makeInput } from './fixtures.js';

function expectPlan(plan: SelectionPlan): PlannedSelection {
  if (plan.kind !== 'plan') throw new Error(`expected a plan, got ${plan.reason}`);
  return plan;
}

const SESSION = { sessionHash: 'session-abc' };

function bucket() {
  return [
    makeCandidate({ id: 1, stats: healthyStats() }),
    makeCandidate({ id: 2, stats: healthyStats() }),
    makeCandidate({ id: 3, stats: healthyStats() }),
  ];
}

describe('selectLayered: previous response (hard sticky)', () => {
  it('plans only the account that produced the previous response, with sticky wait limits', () => {
    const plan = expectPlan(
      selectLayered(
        makeInput(bucket(), {
          request: { previousResponseId: 'resp_1', ...SESSION },
          previousResponseAccountId: 2,
        }),
      ),
    );
    expect(plan.layer).toBe('previous_response');
    expect(plan.attempts).toEqual([
      expect.objectContaining({ accountId: 2, concurrency: 3, score: null }),
    ]);
    expect(plan.waitPlan).toEqual({
      accountId: 2,
      maxConcurrency: 3,
      timeoutMs: DEFAULT_POLICY_CONFIG.stickyWaitTimeoutMs,
      maxWaiting: DEFAULT_POLICY_CONFIG.stickyMaxWaiting,
    });
    expect(plan).toMatchObject({
      bindSession: true,
      dropSessionBinding: false,
      escapeReason: null,
      candidateCount: 3,
      topK: 0,
    });
  });

  it('beats the session binding', () => {
    const plan = expectPlan(
      selectLayered(
        makeInput(bucket(), {
          request: { previousResponseId: 'resp_1', ...SESSION },
          previousResponseAccountId: 3,
          sessionAccountId: 1,
        }),
      ),
    );
    expect(plan.layer).toBe('previous_response');
    expect(plan.attempts.map((attempt) => attempt.accountId)).toEqual([3]);
  });

  it('stays on its account even when the account looks unhealthy', () => {
    const candidates = [
      makeCandidate({ id: 1, stats: { errorRate: 0.9, ttftMs: 60_000, samples: 10 } }),
      makeCandidate({ id: 2 }),
    ];
    const plan = expectPlan(selectLayered(makeInput(candidates, { previousResponseAccountId: 1 })));
    expect(plan.layer).toBe('previous_response');
    expect(plan.escapeReason).toBeNull();
  });

  it.each<[string, number[], Partial<Account>]>([
    ['excluded', [1], {}],
    ['rate-limited', [], { rateLimitResetAt: NOW + 1_000 }],
    ['not serving the model', [], { modelMapping: { 'claude-haiku-*': '*' } }],
  ])('falls through to the session when its account is %s', (_label, excluded, state) => {
    const candidates = [
      makeCandidate({ id: 1, ...state }),
      makeCandidate({ id: 2, stats: healthyStats() }),
    ];
    const plan = expectPlan(
      selectLayered(
        makeInput(candidates, {
          request: { ...SESSION, excludedAccountIds: excluded },
          previousResponseAccountId: 1,
          sessionAccountId: 2,
        }),
      ),
    );
    expect(plan.layer).toBe('session');
    expect(plan.attempts.map((attempt) => attempt.accountId)).toEqual([2]);
  });

  it('falls through to load balancing when its account has left the bucket', () => {
    const plan = expectPlan(selectLayered(makeInput(bucket(), { previousResponseAccountId: 99 })));
    expect(plan.layer).toBe('load_balance');
    expect(plan.dropSessionBinding).toBe(false);
  });

  it('falls through when its account cannot carry the transport', () => {
    const plan = selectLayered(
      makeInput([makeCandidate({ id: 1 })], {
        request: { transport: 'ws' },
        previousResponseAccountId: 1,
      }),
    );
    expect(plan).toMatchObject({ kind: 'none', rejected: { transport: 1 } });
  });
});

describe('selectLayered: session binding', () => {
  it('plans the bound account with sticky wait limits and refreshes the binding', () => {
    const plan = expectPlan(
      selectLayered(makeInput(bucket(), { request: SESSION, sessionAccountId: 3 })),
    );
    expect(plan).toMatchObject({
      layer: 'session',
      bindSession: true,
      dropSessionBinding: false,
      escapeReason: null,
      escapedAccountId: null,
      waitPlan: { accountId: 3, maxWaiting: 3, timeoutMs: 120_000, maxConcurrency: 3 },
    });
    expect(plan.attempts.map((attempt) => attempt.accountId)).toEqual([3]);
  });

  it.each<[string, number[], Partial<Account>]>([
    ['excluded', [1], {}],
    ['unschedulable', [], { tempUnschedulableUntil: NOW + 5_000 }],
    ['no longer serving the model', [], { modelMapping: { 'gpt-*': '*' } }],
    ['on the wrong platform', [], { platform: Platform.OpenAI }],
  ])('drops the binding and load-balances when the bound account is %s', (_l, excluded, state) => {
    const candidates = [makeCandidate({ id: 1, ...state }), ...bucket().slice(1)];
    const plan = expectPlan(
      selectLayered(
        makeInput(candidates, {
          request: { ...SESSION, excludedAccountIds: excluded },
          sessionAccountId: 1,
        }),
      ),
    );
    expect(plan).toMatchObject({
      layer: 'load_balance',
      dropSessionBinding: true,
      bindSession: true,
      escapeReason: null,
      escapedAccountId: null,
    });
    expect(plan.attempts.map((attempt) => attempt.accountId)).not.toContain(1);
    expect(plan.waitPlan.maxWaiting).toBe(DEFAULT_POLICY_CONFIG.fallbackMaxWaiting);
  });

  it('drops the binding when the bound account has left the bucket', () => {
    const plan = expectPlan(
      selectLayered(makeInput(bucket(), { request: SESSION, sessionAccountId: 42 })),
    );
    expect(plan).toMatchObject({
      layer: 'load_balance',
      dropSessionBinding: true,
      bindSession: true,
    });
  });

  it('reports the dropped binding even when no other account is left', () => {
    const plan = selectLayered(
      makeInput([makeCandidate({ id: 1, rateLimitResetAt: NOW + 1 })], {
        request: SESSION,
        sessionAccountId: 1,
      }),
    );
    expect(plan).toMatchObject({ kind: 'none', dropSessionBinding: true });
  });

  it('escapes an account whose EWMA TTFT is above the threshold, without touching the binding', () => {
    const candidates = [
      makeCandidate({ id: 1, stats: healthyStats({ ttftMs: 15_001 }) }),
      ...bucket().slice(1),
    ];
    const plan = expectPlan(
      selectLayered(makeInput(candidates, { request: SESSION, sessionAccountId: 1 })),
    );
    expect(plan).toMatchObject({
      layer: 'load_balance',
      escapeReason: EscapeReason.Ttft,
      escapedAccountId: 1,
      bindSession: false,
      dropSessionBinding: false,
    });
    expect(plan.waitPlan.maxWaiting).toBe(DEFAULT_POLICY_CONFIG.fallbackMaxWaiting);
    expect(plan.waitPlan.timeoutMs).toBe(DEFAULT_POLICY_CONFIG.fallbackWaitTimeoutMs);
  });

  it('escapes an account whose EWMA error rate is above the threshold', () => {
    const candidates = [
      makeCandidate({ id: 1, stats: healthyStats({ errorRate: 0.51 }) }),
      ...bucket().slice(1),
    ];
    const plan = expectPlan(
      selectLayered(makeInput(candidates, { request: SESSION, sessionAccountId: 1 })),
    );
    expect(plan).toMatchObject({
      layer: 'load_balance',
      escapeReason: EscapeReason.ErrorRate,
      escapedAccountId: 1,
      bindSession: false,
      dropSessionBinding: false,
    });
  });

  it('reports the error rate when both thresholds are crossed', () => {
    const candidates = [
      makeCandidate({ id: 1, stats: { errorRate: 0.9, ttftMs: 30_000, samples: 9 } }),
    ];
    const plan = selectLayered(makeInput(candidates, { request: SESSION, sessionAccountId: 1 }));
    expect(plan.escapeReason).toBe(EscapeReason.ErrorRate);
  });

  it('does not escape at exactly the thresholds', () => {
    const candidates = [
      makeCandidate({ id: 1, stats: { errorRate: 0.5, ttftMs: 15_000, samples: 9 } }),
    ];
    const plan = expectPlan(
      selectLayered(makeInput(candidates, { request: SESSION, sessionAccountId: 1 })),
    );
    expect(plan.layer).toBe('session');
  });

  it('uses configured thresholds', () => {
    const candidates = [makeCandidate({ id: 1, stats: healthyStats({ ttftMs: 5_000 }) })];
    const plan = selectLayered(
      makeInput(candidates, {
        request: SESSION,
        sessionAccountId: 1,
        config: { stickyEscapeTtftMs: 4_000 },
      }),
    );
    expect(plan.escapeReason).toBe(EscapeReason.Ttft);
  });

  it('never escapes when escapes are disabled', () => {
    const candidates = [
      makeCandidate({ id: 1, stats: { errorRate: 0.95, ttftMs: 90_000, samples: 30 } }),
      ...bucket().slice(1),
    ];
    const plan = expectPlan(
      selectLayered(
        makeInput(candidates, {
          request: SESSION,
          sessionAccountId: 1,
          config: { stickyEscapeEnabled: false },
        }),
      ),
    );
    expect(plan).toMatchObject({ layer: 'session', escapeReason: null, bindSession: true });
  });

  it('does not escape an account without statistics', () => {
    const plan = expectPlan(
      selectLayered(
        makeInput([makeCandidate({ id: 1 })], { request: SESSION, sessionAccountId: 1 }),
      ),
    );
    expect(plan.layer).toBe('session');
  });

  it('keeps an escaped account as a load-balance candidate when it is the only one', () => {
    const candidates = [makeCandidate({ id: 1, stats: healthyStats({ errorRate: 0.8 }) })];
    const plan = expectPlan(
      selectLayered(makeInput(candidates, { request: SESSION, sessionAccountId: 1 })),
    );
    expect(plan.layer).toBe('load_balance');
    expect(plan.attempts.map((attempt) => attempt.accountId)).toEqual([1]);
    expect(plan.bindSession).toBe(false);
  });

  it('does not ask to bind a session when the request has none', () => {
    const plan = expectPlan(selectLayered(makeInput(bucket())));
    expect(plan).toMatchObject({
      layer: 'load_balance',
      bindSession: false,
      dropSessionBinding: false,
    });
  });
});
