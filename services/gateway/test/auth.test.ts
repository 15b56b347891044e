import {
  AuthRefusalReason,
  TtlCache,
  authRefusal,
  checkApiKey,
  extractApiKey,
} from '../src/auth/index.js';
import type { ApiKeyPrincipal } from '../src/auth/index.js';

describe('extractApiKey', () => {
  it('reads a Bearer token', () => {
    expect(extractApiKey({ authorization: 'Bearer sk-sy-abc' })).toBe('sk-sy-abc');
    expect(extractApiKey({ authorization: 'bearer   sk-sy-abc ' })).toBe('sk-sy-abc');
  });

  it('reads x-api-key and x-goog-api-key', () => {
    expect(extractApiKey({ 'x-api-key': 'k1' })).toBe('k1');
    expect(extractApiKey({ 'x-goog-api-key': 'k2' })).toBe('k2');
  });

  it("reads Gemini's ?key= query parameter", () => {
    expect(extractApiKey({}, { key: 'k3' })).toBe('k3');
  });

  it('prefers the Authorization header and skips a non-Bearer scheme', () => {
    expect(extractApiKey({ authorization: 'Bearer a', 'x-api-key': 'b' })).toBe('a');
    expect(extractApiKey({ authorization: 'Basic dXNlcg==', 'x-api-key': 'b' })).toBe('b');
  });

  it('finds nothing in a request without a key', () => {
    expect(extractApiKey({ authorization: 'Bearer ', 'x-api-key': ' ' }, {})).toBeUndefined();
  });
});

const NOW = Date.parse('2030-01-01T00:00:00Z');
const healthy: ApiKeyPrincipal = {
  apiKeyId: 1,
  name: 'k',
  keyPrefix: 'sk-sy-abcd',
  status: 'active',
  expiresAt: null,
  userId: 1,
  userStatus: 'active',
  groupId: 1,
  groupPlatform: 'anthropic',
  groupStatus: 'active',
  quotaLimitUsd: null,
  quotaUsedUsd: 0,
  quotaTokensLimit: null,
  quotaTokensUsed: 0,
  concurrencyLimit: null,
  rpmLimit: null,
};

describe('checkApiKey', () => {
  it('admits an active key within its quotas', () => {
    expect(checkApiKey({ ...healthy, quotaTokensLimit: 10, quotaTokensUsed: 9 }, NOW)).toBeNull();
  });

  it('refuses a disabled key', () => {
    expect(checkApiKey({ ...healthy, status: 'disabled' }, NOW)).toBe(
      AuthRefusalReason.KeyDisabled,
    );
  });

  it('refuses a key at its expiry instant and after', () => {
    expect(checkApiKey({ ...healthy, expiresAt: NOW }, NOW)).toBe('api_key_expired');
    expect(checkApiKey({ ...healthy, expiresAt: NOW + 1 }, NOW)).toBeNull();
  });

  it('refuses a key whose user or group is disabled', () => {
    expect(checkApiKey({ ...healthy, userStatus: 'disabled' }, NOW)).toBe('user_disabled');
    expect(checkApiKey({ ...healthy, groupStatus: 'disabled' }, NOW)).toBe('group_disabled');
  });

  it('refuses a key that used up its token or USD quota', () => {
    expect(checkApiKey({ ...healthy, quotaTokensLimit: 100, quotaTokensUsed: 100 }, NOW)).toBe(
      'token_quota_exceeded',
    );
    expect(checkApiKey({ ...healthy, quotaLimitUsd: 5, quotaUsedUsd: 5.01 }, NOW)).toBe(
      'usd_quota_exceeded',
    );
  });

  it('says disabled rather than over quota when both hold', () => {
    expect(
      checkApiKey({ ...healthy, status: 'disabled', quotaTokensLimit: 1, quotaTokensUsed: 5 }, NOW),
    ).toBe('api_key_disabled');
  });
});

describe('authRefusal', () => {
  it('marks quota and limit refusals as business-limited', () => {
    expect(authRefusal('token_quota_exceeded')).toMatchObject({
      code: 'quota_exceeded',
      httpStatus: 429,
      businessLimited: true,
      retryable: false,
    });
    expect(authRefusal('api_key_rpm_limit', { retryAfterSeconds: 12 })).toMatchObject({
      code: 'rate_limited',
      businessLimited: true,
      retryAfterSeconds: 12,
    });
  });

  it('does not treat a bad key as business-limited', () => {
    expect(authRefusal('invalid_api_key')).toMatchObject({
      code: 'authentication',
      httpStatus: 401,
      businessLimited: false,
    });
  });

  it('answers a lookup failure with 503, not as a refusal of the key', () => {
    expect(authRefusal('auth_unavailable').httpStatus).toBe(503);
  });
});

describe('TtlCache', () => {
  it('forgets an entry once its TTL has passed', () => {
    let now = 0;
    const cache = new TtlCache<string, number>({ ttlMs: 100, maxEntries: 10, now: () => now });
    cache.set('a', 1);
    now = 99;
    expect(cache.get('a')).toBe(1);
    now = 100;
    expect(cache.get('a')).toBeUndefined();
  });

  it('drops the oldest entry when full', () => {
    const cache = new TtlCache<string, number>({ ttlMs: 100, maxEntries: 2, now: () => 0 });
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('c', 3);
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([undefined, 2, 3]);
  });

  it('stores nothing with a TTL of 0', () => {
    const cache = new TtlCache<string, number>({ ttlMs: 0, maxEntries: 10, now: () => 0 });
    cache.set('a', 1);
    expect(cache.size).toBe(0);
  });
});
