import {
  InvalidBucketKeyError,
  PLATFORMS,
  Platform,
  SCHEDULING_MODES,
  SchedulingMode,
  accountBucketPlatforms,
  accountGroupIds,
  accountInBucket,
  bucketForRequest,
  bucketKey,
  bucketsForAccount,
  isBucketKey,
  parseBucketKey,
  schedulingModeFor,
  type BucketKey,
} from '@switchyard/domain';
import { makeAccount, pick, seededRandom } from './account-fixture.js';

describe('bucketKey / parseBucketKey', () => {
  it('formats a bucket as g<groupId>:<platform>:<mode>', () => {
    expect(bucketKey({ groupId: 12, platform: 'anthropic', mode: 'mixed' })).toBe(
      'g12:anthropic:mixed',
    );
  });

  it('round-trips every platform and mode', () => {
    for (const platform of PLATFORMS) {
      for (const mode of SCHEDULING_MODES) {
        const bucket = { groupId: 3, platform, mode };
        expect(parseBucketKey(bucketKey(bucket))).toEqual(bucket);
      }
    }
  });

  it.each([
    '',
    'g1:anthropic',
    'g1:anthropic:mixed:extra',
    'x1:anthropic:mixed',
    'g-1:anthropic:mixed',
    'g01:anthropic:mixed',
    'g1.5:anthropic:mixed',
    'g:anthropic:mixed',
    'g1:azure:mixed',
    'g1:anthropic:random',
    'g99999999999999999999:anthropic:mixed',
  ])('rejects %p with a typed error', (garbage) => {
    expect(() => parseBucketKey(garbage)).toThrow(InvalidBucketKeyError);
    expect(isBucketKey(garbage)).toBe(false);
  });

  it('describes the failure on the error', () => {
    let caught: unknown;
    try {
      parseBucketKey('g1:azure:mixed');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidBucketKeyError);
    const error = caught as InvalidBucketKeyError;
    expect(error.name).toBe('InvalidBucketKeyError');
    expect(error.code).toBe('invalid_bucket_key');
    expect(error.retryable).toBe(false);
    expect(error.input).toBe('g1:azure:mixed');
  });

  it('refuses to build a key for a negative or fractional group', () => {
    expect(() => bucketKey({ groupId: -1, platform: 'openai', mode: 'single' })).toThrow(
      InvalidBucketKeyError,
    );
    expect(() => bucketKey({ groupId: 1.5, platform: 'openai', mode: 'single' })).toThrow(
      InvalidBucketKeyError,
    );
  });
});

describe('bucketsForAccount', () => {
  it('puts an ungrouped account in group 0, every mode of its own platform', () => {
    const account = makeAccount({ platform: Platform.OpenAI, groupIds: [] });
    expect(accountGroupIds(account)).toEqual([0]);
    expect(sorted(bucketsForAccount(account))).toEqual(
      sorted(['g0:openai:single', 'g0:openai:forced', 'g0:openai:mixed']),
    );
  });

  it('lists the buckets of each group the account is in', () => {
    const account = makeAccount({ platform: Platform.Gemini, groupIds: [4, 9] });
    expect(sorted(bucketsForAccount(account))).toEqual(
      sorted([
        'g4:gemini:single',
        'g4:gemini:forced',
        'g4:gemini:mixed',
        'g9:gemini:single',
        'g9:gemini:forced',
        'g9:gemini:mixed',
      ]),
    );
  });

  it('adds the anthropic and gemini mixed buckets for an antigravity account with mixed scheduling', () => {
    const account = makeAccount({
      platform: Platform.Antigravity,
      mixedScheduling: true,
      groupIds: [2],
    });
    expect(sorted(bucketsForAccount(account))).toEqual(
      sorted([
        'g2:antigravity:single',
        'g2:antigravity:forced',
        'g2:antigravity:mixed',
        'g2:anthropic:mixed',
        'g2:gemini:mixed',
      ]),
    );
    expect(accountInBucket(account, 'g2:anthropic:single')).toBe(false);
    expect(accountInBucket(account, 'g2:gemini:forced')).toBe(false);
    expect(accountInBucket(account, 'g2:openai:mixed')).toBe(false);
  });

  it('keeps an antigravity account without mixed scheduling to its own platform', () => {
    const account = makeAccount({ platform: Platform.Antigravity, mixedScheduling: false });
    expect(accountInBucket(account, 'g0:anthropic:mixed')).toBe(false);
    expect(accountBucketPlatforms(account, SchedulingMode.Mixed)).toEqual(['antigravity']);
  });

  it('ignores the mixed-scheduling flag on non-antigravity accounts', () => {
    const account = makeAccount({ platform: Platform.Anthropic, mixedScheduling: true });
    expect(accountInBucket(account, 'g0:gemini:mixed')).toBe(false);
    expect(bucketsForAccount(account)).toHaveLength(3);
  });

  it('lists each bucket once even when a group id repeats', () => {
    const account = makeAccount({ groupIds: [5, 5] });
    const keys = bucketsForAccount(account);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('agrees with accountInBucket for random accounts over every bucket', () => {
    const random = seededRandom(42);
    const groupUniverse = [0, 1, 2, 3];
    const universe: BucketKey[] = groupUniverse.flatMap((groupId) =>
      PLATFORMS.flatMap((platform) =>
        SCHEDULING_MODES.map((mode) => bucketKey({ groupId, platform, mode })),
      ),
    );
    for (let i = 0; i < 500; i++) {
      const groupCount = Math.floor(random() * 3);
      const account = makeAccount({
        id: i + 1,
        platform: pick(random, PLATFORMS),
        mixedScheduling: random() < 0.5,
        groupIds: Array.from({ length: groupCount }, () => 1 + Math.floor(random() * 3)),
      });
      const listed = new Set(bucketsForAccount(account));
      for (const key of universe) {
        expect([key, accountInBucket(account, key)]).toEqual([key, listed.has(key)]);
        expect(accountInBucket(account, parseBucketKey(key))).toBe(listed.has(key));
      }
    }
  });
});

describe('bucketForRequest', () => {
  it('uses the forced bucket when the client pins the platform', () => {
    expect(schedulingModeFor({ platform: 'anthropic', forcePlatform: true })).toBe('forced');
    expect(bucketForRequest({ groupId: 1, platform: 'antigravity', forcePlatform: true })).toBe(
      'g1:antigravity:forced',
    );
  });

  it('uses mixed buckets for anthropic and gemini, single for the others', () => {
    expect(bucketForRequest({ groupId: 0, platform: 'anthropic' })).toBe('g0:anthropic:mixed');
    expect(bucketForRequest({ groupId: 0, platform: 'gemini' })).toBe('g0:gemini:mixed');
    expect(bucketForRequest({ groupId: 0, platform: 'openai' })).toBe('g0:openai:single');
    expect(bucketForRequest({ groupId: 0, platform: 'antigravity' })).toBe('g0:antigravity:single');
  });
});

function sorted(keys: readonly string[]): string[] {
  return [...keys].sort();
}
