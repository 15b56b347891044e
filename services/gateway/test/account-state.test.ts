import {
  compileErrorRules,
  decideAccountState,
  parseOpenAiDuration,
  rateLimitResetAt,
  StateReason,
  type AccountStatePolicy,
  type UpstreamErrorObservation,
} from '../src/index.js';

const NOW = 1_800_000_000_000;

const policy: AccountStatePolicy = {
  rules: compileErrorRules([
    {
      statusCodes: [400, 403],
      keywords: ['organization has been disabled'],
      minutes: 60,
      name: 'org disabled',
    },
    { statusCodes: [429], keywords: ['daily quota'], minutes: 30 },
  ]),
  overloadCooldownMinutes: 10,
  rateLimitFallbackCooldownSeconds: 5,
  rateLimitMaxCooldownSeconds: 7200,
};

function observe(partial: Partial<UpstreamErrorObservation>): UpstreamErrorObservation {
  return {
    status: 500,
    headers: {},
    body: '',
    accountType: 'apikey',
    priorAuthFailure: false,
    now: NOW,
    ...partial,
  };
}

describe('rateLimitResetAt', () => {
  it("reads Anthropic's unified reset (epoch seconds)", () => {
    const at = Math.floor(NOW / 1000) + 90;
    expect(rateLimitResetAt({ 'anthropic-ratelimit-unified-reset': String(at) }, '', NOW)).toBe(
      at * 1000,
    );
  });

  it('takes the latest rejected unified window when there is no overall reset', () => {
    const h = {
      'anthropic-ratelimit-unified-5h-status': 'rejected',
      'anthropic-ratelimit-unified-5h-reset': String(Math.floor(NOW / 1000) + 100),
      'anthropic-ratelimit-unified-7d-status': 'allowed',
      'anthropic-ratelimit-unified-7d-reset': String(Math.floor(NOW / 1000) + 9999),
    };
    expect(rateLimitResetAt(h, '', NOW)).toBe((Math.floor(NOW / 1000) + 100) * 1000);
  });

  it('reads the exhausted Codex usage window, not the one with room left', () => {
    const h = {
      'x-codex-primary-used-percent': '100',
      'x-codex-primary-reset-after-seconds': '120',
      'x-codex-secondary-used-percent': '42',
      'x-codex-secondary-reset-after-seconds': '259200',
    };
    expect(rateLimitResetAt(h, '', NOW)).toBe(NOW + 120_000);
  });

  it('reads resets from the body: Codex resets_in_seconds, Google RetryInfo, "try again in"', () => {
    expect(
      rateLimitResetAt({}, '{"error":{"type":"usage_limit_reached","resets_in_seconds":300}}', NOW),
    ).toBe(NOW + 300_000);
    expect(rateLimitResetAt({}, '{"details":[{"retryDelay":"17s"}]}', NOW)).toBe(NOW + 17_000);
    expect(rateLimitResetAt({}, 'Rate limit reached. Please try again in 1.5s.', NOW)).toBe(
      NOW + 1_500,
    );
  });

  it("reads OpenAI's reset durations for an exhausted limit, then retry-after", () => {
    expect(
      rateLimitResetAt(
        { 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '1m30s' },
        '',
        NOW,
      ),
    ).toBe(NOW + 90_000);
    expect(rateLimitResetAt({ 'retry-after': '7' }, '', NOW)).toBe(NOW + 7_000);
    const date = new Date(NOW + 60_000).toUTCString();
    expect(rateLimitResetAt({ 'retry-after': date }, '', NOW)).toBe(
      Math.floor((NOW + 60_000) / 1000) * 1000,
    );
    expect(rateLimitResetAt({}, '', NOW)).toBeNull();
  });

  it('parses OpenAI durations', () => {
    expect(parseOpenAiDuration('6h0m0s')).toBe(6 * 3_600_000);
    expect(parseOpenAiDuration('20ms')).toBe(20);
    expect(parseOpenAiDuration('soon')).toBeUndefined();
  });
});

describe('decideAccountState', () => {
  it('checks operator rules first, even on statuses the built-in rules ignore', () => {
    expect(
      decideAccountState(
        observe({ status: 400, body: 'Your Organization has been DISABLED.' }),
        policy,
      ),
    ).toEqual({
      tempUnschedulableUntil: NOW + 60 * 60_000,
      tempUnschedulableReason: 'rule: org disabled',
      reason: 'operator rule (org disabled)',
    });
    const quota = decideAccountState(
      observe({ status: 429, body: 'daily quota exceeded', headers: { 'retry-after': '5' } }),
      policy,
    );
    expect(quota?.tempUnschedulableUntil).toBe(NOW + 30 * 60_000);
    expect(quota?.rateLimitResetAt).toBeUndefined();
  });

  it('rate-limits a 429 until the vendor reset, capped, or for the fallback cool-down', () => {
    expect(
      decideAccountState(observe({ status: 429, headers: { 'retry-after': '42' } }), policy)
        ?.rateLimitResetAt,
    ).toBe(NOW + 42_000);
    expect(
      decideAccountState(observe({ status: 429, headers: { 'retry-after': '999999' } }), policy)
        ?.rateLimitResetAt,
    ).toBe(NOW + 7_200_000);
    expect(decideAccountState(observe({ status: 429 }), policy)?.rateLimitResetAt).toBe(
      NOW + 5_000,
    );
    // A reset already in the past says nothing useful: fallback.
    expect(
      decideAccountState(observe({ status: 429, headers: { 'retry-after': '0' } }), policy)
        ?.rateLimitResetAt,
    ).toBe(NOW + 5_000);
  });

  it('overloads a 529 for the cool-down', () => {
    expect(decideAccountState(observe({ status: 529 }), policy)).toMatchObject({
      overloadUntil: NOW + 600_000,
    });
  });

  it('refreshes and parks an OAuth account on a first 401, errors it on a second', () => {
    expect(
      decideAccountState(observe({ status: 401, accountType: 'oauth' }), policy),
    ).toMatchObject({
      tempUnschedulableUntil: NOW + 600_000,
      tempUnschedulableReason: StateReason.Unauthorized,
      refreshCredentials: true,
    });
    expect(
      decideAccountState(
        observe({ status: 401, accountType: 'oauth', priorAuthFailure: true }),
        policy,
      ),
    ).toMatchObject({
      status: 'error',
    });
  });

  it('errors an API-key account on 401 and any account on 403', () => {
    expect(decideAccountState(observe({ status: 401 }), policy)).toMatchObject({ status: 'error' });
    expect(
      decideAccountState(observe({ status: 403, accountType: 'oauth' }), policy),
    ).toMatchObject({ status: 'error' });
  });

  it('leaves the account alone for other errors', () => {
    expect(decideAccountState(observe({ status: 500 }), policy)).toBeNull();
    expect(decideAccountState(observe({ status: 400, body: 'bad request' }), policy)).toBeNull();
  });
});
