import type { SelectResult } from '@switchyard/contracts';
import { sessionLeaseFor, type LeaseQuestion } from '../src/session-lease.js';
import { DEFAULT_POLICY_CONFIG } from '../src/policy/index.js';
import { NOW, makeAccount, makeRequest } from './policy/fixtures.js';

const LEASE_MS = 10_000;
const ACCOUNT_ID = 7;

function slotResult(overrides: Partial<SelectResult['decision']> = {}): SelectResult {
  return {
    account: { id: ACCOUNT_ID, platform: 'anthropic', type: 'apikey', concurrency: 5 },
    slot: { acquired: true, token: 'req-1', expiresAt: NOW + 300_000 },
    decision: {
      layer: 'session',
      candidateCount: 3,
      topK: 7,
      loadSkew: 0,
      escapeReason: null,
      ...overrides,
    },
  };
}

/** A sticky answer that earns a lease; each test breaks one condition. */
function question(overrides: Partial<LeaseQuestion> = {}): LeaseQuestion {
  return {
    request: makeRequest({ sessionHash: 'conv-1' }),
    result: slotResult(),
    candidate: { account: makeAccount({ id: ACCOUNT_ID }), stats: null },
    boundAccountId: ACCOUNT_ID,
    leaseMs: LEASE_MS,
    config: DEFAULT_POLICY_CONFIG,
    now: NOW,
    ...overrides,
  };
}

describe('sessionLeaseFor', () => {
  it('grants a lease on the bound, healthy account of a session', () => {
    expect(sessionLeaseFor(question())).toEqual({ ttlMs: LEASE_MS });
  });

  it('grants one on a load-balance pick that just bound the session', () => {
    const result = slotResult({ layer: 'load_balance' });
    expect(sessionLeaseFor(question({ result }))).toEqual({ ttlMs: LEASE_MS });
  });

  it('grants one on statistics within half the escape thresholds', () => {
    const stats = { errorRate: 0.25, ttftMs: 7_500, samples: 40 };
    const candidate = { account: makeAccount({ id: ACCOUNT_ID }), stats };
    expect(sessionLeaseFor(question({ candidate }))).toEqual({ ttlMs: LEASE_MS });
  });

  it.each<[string, Partial<LeaseQuestion>]>([
    ['leases are off', { leaseMs: 0 }],
    ['the request has no session', { request: makeRequest() }],
    [
      'the request follows a previous response',
      { request: makeRequest({ sessionHash: 'conv-1', previousResponseId: 'resp_1' }) },
    ],
    [
      'the request excludes accounts (a failover)',
      { request: makeRequest({ sessionHash: 'conv-1', excludedAccountIds: [3] }) },
    ],
    ['it is a retried attempt', { request: makeRequest({ sessionHash: 'conv-1', attempt: 2 }) }],
    ['the session is bound elsewhere', { boundAccountId: 9 }],
    ['the session is unbound', { boundAccountId: null }],
    ['the answer escaped the binding', { result: slotResult({ escapeReason: 'ttft' }) }],
    ['the account left the bucket', { candidate: undefined }],
    [
      'the account expires inside the lease',
      {
        candidate: {
          account: makeAccount({ id: ACCOUNT_ID, expiresAt: NOW + 5_000 }),
          stats: null,
        },
      },
    ],
    [
      'the account is rate-limited now',
      {
        candidate: {
          account: makeAccount({ id: ACCOUNT_ID, rateLimitResetAt: NOW + 1_000 }),
          stats: null,
        },
      },
    ],
    [
      'its error rate is past half the escape threshold',
      {
        candidate: {
          account: makeAccount({ id: ACCOUNT_ID }),
          stats: { errorRate: 0.26, ttftMs: 800, samples: 10 },
        },
      },
    ],
    [
      'its TTFT is past half the escape threshold',
      {
        candidate: {
          account: makeAccount({ id: ACCOUNT_ID }),
          stats: { errorRate: 0, ttftMs: 7_501, samples: 10 },
        },
      },
    ],
  ])('grants none when %s', (_label, overrides) => {
    expect(sessionLeaseFor(question(overrides))).toBeNull();
  });

  it('grants none with a wait plan instead of a slot', () => {
    const waiting: SelectResult = {
      account: slotResult().account,
      decision: slotResult().decision,
      waitPlan: { accountId: ACCOUNT_ID, maxConcurrency: 5, timeoutMs: 120_000, maxWaiting: 3 },
    };
    expect(sessionLeaseFor(question({ result: waiting }))).toBeNull();
  });

  it('ignores statistics when escapes are off: the binding holds whatever they say', () => {
    const candidate = {
      account: makeAccount({ id: ACCOUNT_ID }),
      stats: { errorRate: 0.9, ttftMs: 60_000, samples: 10 },
    };
    const config = { ...DEFAULT_POLICY_CONFIG, stickyEscapeEnabled: false };
    expect(sessionLeaseFor(question({ candidate, config }))).toEqual({ ttlMs: LEASE_MS });
  });
});
