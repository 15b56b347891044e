import { makeTestAccount } from '@switchyard/harness';
import type { SelectRequest } from '@switchyard/contracts';
import { Platform, type Account } from '@switchyard/domain';
import {
  DEFAULT_POLICY_CONFIG,
  seededRng,
  type Candidate,
  type CandidateLoad,
  type CandidateStats,
  type PolicyConfig,
  type PolicyInput,
} from '../../src/policy/index.js';

export const NOW = 1_750_000_000_000;

/** A healthy, schedulable anthropic account in group 1; override what the test is about. */
export function makeAccount(overrides: Partial<Account> = {}): Account {
  return makeTestAccount({ groupIds: [1], ...overrides });
}

export type CandidateOverrides = Partial<Account> & {
  stats?: CandidateStats | null;
  load?: Partial<CandidateLoad>;
};

/** A candidate with no statistics and no load unless given. */
export function makeCandidate(overrides: CandidateOverrides = {}): Candidate {
  const { stats = null, load = {}, ...account } = overrides;
  return {
    account: makeAccount(account),
    stats,
    load: { inUse: load.inUse ?? 0, waiting: load.waiting ?? 0 },
  };
}

export function makeRequest(overrides: Partial<SelectRequest> = {}): SelectRequest {
  return {
    requestId: 'req-1',
    groupId: 1,
    platform: Platform.Anthropic,
    model: 'claude-sonnet-4-5',
    excludedAccountIds: [],
    ...overrides,
  };
}

export type InputOverrides = Partial<Omit<PolicyInput, 'request' | 'config'>> & {
  request?: Partial<SelectRequest>;
  config?: Partial<PolicyConfig>;
};

export function makeInput(
  candidates: readonly Candidate[],
  overrides: InputOverrides = {},
): PolicyInput {
  const { request, config, ...rest } = overrides;
  return {
    request: makeRequest(request),
    candidates,
    previousResponseAccountId: null,
    sessionAccountId: null,
    config: { ...DEFAULT_POLICY_CONFIG, ...config },
    now: NOW,
    rng: seededRng(7),
    ...rest,
  };
}

/** Healthy statistics: low error rate, fast first token. */
export function healthyStats(overrides: Partial<CandidateStats> = {}): CandidateStats {
  return { errorRate: 0.01, ttftMs: 800, samples: 50, ...overrides };
}
