import { AccountStatus, Platform, type Account } from '@switchyard/domain';
import {
  NoSelectionReason,
  seededRng,
  selectLayered,
  type Candidate,
  type SelectionPlan,
} from '../../src/policy/index.js';
import { NOW, healthyStats, makeCandidate, makeInput, type InputOverrides } from './fixtures.js';

function plannedIds(plan: SelectionPlan): number[] {
  if (plan.kind !== 'plan') throw new Error(`expected a plan, got ${plan.reason}`);
  return plan.attempts.map((attempt) => attempt.accountId);
}

/** The ids chosen over many seeds: what the policy could ever pick. */
function everPlanned(
  candidates: readonly Candidate[],
  overrides: InputOverrides = {},
): Set<number> {
  const seen = new Set<number>();
  for (let seed = 0; seed < 200; seed++) {
    for (const id of plannedIds(
      selectLayered(makeInput(candidates, { ...overrides, rng: seededRng(seed) })),
    )) {
      seen.add(id);
    }
  }
  return seen;
}

const unschedulable: ReadonlyArray<[string, Partial<Account>]> = [
  ['rate-limited', { rateLimitResetAt: NOW + 60_000 }],
  ['overloaded', { overloadUntil: NOW + 30_000 }],
  ['temporarily unschedulable', { tempUnschedulableUntil: NOW + 300_000 }],
  ['disabled', { status: AccountStatus.Disabled }],
  ['in error status', { status: AccountStatus.Error }],
  ['switched out of rotation', { schedulable: false }],
  ['expired', { expiresAt: NOW }],
];

describe('selectLayered: load-balance filter', () => {
  it.each(unschedulable)(
    'never selects a %s account even when the snapshot still lists it and it would score best',
    (_label, state) => {
      const candidates = [
        makeCandidate({ id: 1, priority: 1, stats: healthyStats({ errorRate: 0 }), ...state }),
        makeCandidate({ id: 2, priority: 90, load: { inUse: 2, waiting: 40 } }),
        makeCandidate({ id: 3, priority: 90, stats: healthyStats({ errorRate: 0.3 }) }),
      ];
      expect(everPlanned(candidates)).toEqual(new Set([2, 3]));
    },
  );

  it.each(unschedulable)('answers "none" when the only account is %s', (_label, state) => {
    const plan = selectLayered(makeInput([makeCandidate({ id: 1, ...state })]));
    expect(plan).toMatchObject({
      kind: 'none',
      reason: NoSelectionReason.NoEligibleAccount,
      candidateCount: 1,
      rejected: { unschedulable: 1, excluded: 0, platform: 0, transport: 0, model: 0 },
    });
  });

  it('selects a rate-limited account again from its reset instant on', () => {
    const plan = selectLayered(makeInput([makeCandidate({ id: 1, rateLimitResetAt: NOW })]));
    expect(plannedIds(plan)).toEqual([1]);
  });

  it('honours excluded account ids', () => {
    const candidates = [1, 2, 3, 4].map((id) => makeCandidate({ id }));
    expect(everPlanned(candidates, { request: { excludedAccountIds: [1, 3] } })).toEqual(
      new Set([2, 4]),
    );
    const none = selectLayered(
      makeInput(candidates, { request: { excludedAccountIds: [1, 2, 3, 4] } }),
    );
    expect(none).toMatchObject({ kind: 'none', rejected: { excluded: 4 } });
  });

  it('drops accounts whose model mapping does not cover the requested model', () => {
    const candidates = [
      makeCandidate({ id: 1, modelMapping: { 'claude-haiku-*': '*' } }),
      makeCandidate({ id: 2, modelMapping: { 'claude-sonnet-4-5': 'claude-sonnet-4-5-20250929' } }),
      makeCandidate({ id: 3, modelMapping: { 'claude-*': '*' } }),
      makeCandidate({ id: 4, modelMapping: null }),
    ];
    expect(everPlanned(candidates)).toEqual(new Set([2, 3, 4]));
  });

  it('ignores model mappings when the request names no model', () => {
    const candidates = [makeCandidate({ id: 1, modelMapping: { 'claude-haiku-*': '*' } })];
    expect(
      plannedIds(selectLayered(makeInput(candidates, { request: { model: undefined } }))),
    ).toEqual([1]);
  });

  it('reports how many accounts each rule removed when none is left', () => {
    const candidates = [
      makeCandidate({ id: 1 }),
      makeCandidate({ id: 2, platform: Platform.OpenAI }),
      makeCandidate({ id: 3, overloadUntil: NOW + 1 }),
      makeCandidate({ id: 4, modelMapping: { 'gpt-*': '*' } }),
    ];
    const plan = selectLayered(makeInput(candidates, { request: { excludedAccountIds: [1] } }));
    expect(plan).toEqual({
      kind: 'none',
      reason: NoSelectionReason.NoEligibleAccount,
      candidateCount: 4,
      rejected: { excluded: 1, platform: 1, transport: 0, unschedulable: 1, model: 1 },
      dropSessionBinding: false,
      escapeReason: null,
      escapedAccountId: null,
    });
  });

  it('answers "none" for an empty bucket', () => {
    expect(selectLayered(makeInput([]))).toMatchObject({
      kind: 'none',
      reason: NoSelectionReason.EmptyBucket,
      candidateCount: 0,
    });
  });
});

describe('selectLayered: platforms and mixed scheduling', () => {
  const bucket = [
    makeCandidate({ id: 1, platform: Platform.Anthropic }),
    makeCandidate({ id: 2, platform: Platform.Antigravity, mixedScheduling: true }),
    makeCandidate({ id: 3, platform: Platform.Antigravity, mixedScheduling: false }),
    makeCandidate({ id: 4, platform: Platform.Gemini }),
    makeCandidate({ id: 5, platform: Platform.OpenAI }),
  ];

  it('lets an antigravity account with mixed scheduling serve an anthropic request', () => {
    expect(everPlanned(bucket)).toEqual(new Set([1, 2]));
  });

  it('lets it serve a gemini request too', () => {
    expect(everPlanned(bucket, { request: { platform: Platform.Gemini } })).toEqual(
      new Set([2, 4]),
    );
  });

  it('keeps it out when the client forced the platform', () => {
    expect(everPlanned(bucket, { request: { forcePlatform: true } })).toEqual(new Set([1]));
  });

  it('keeps it out of platforms antigravity cannot stand in for', () => {
    expect(everPlanned(bucket, { request: { platform: Platform.OpenAI } })).toEqual(new Set([5]));
  });

  it('serves antigravity requests with antigravity accounts, mixed or not', () => {
    expect(everPlanned(bucket, { request: { platform: Platform.Antigravity } })).toEqual(
      new Set([2, 3]),
    );
  });
});

describe('selectLayered: transport', () => {
  it('serves WebSocket requests only from openai accounts', () => {
    const openai = [makeCandidate({ id: 1, platform: Platform.OpenAI })];
    const request = { platform: Platform.OpenAI, transport: 'ws' as const, model: undefined };
    expect(plannedIds(selectLayered(makeInput(openai, { request })))).toEqual([1]);

    const anthropic = [makeCandidate({ id: 2 })];
    expect(selectLayered(makeInput(anthropic, { request: { transport: 'ws' } }))).toMatchObject({
      kind: 'none',
      rejected: { transport: 1 },
    });
  });

  it('serves HTTP (or unstated) transport from every platform', () => {
    const candidates = [makeCandidate({ id: 1 })];
    expect(
      plannedIds(selectLayered(makeInput(candidates, { request: { transport: 'http' } }))),
    ).toEqual([1]);
    expect(plannedIds(selectLayered(makeInput(candidates)))).toEqual([1]);
  });
});
