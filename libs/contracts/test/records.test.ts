import {
  opsErrorSchema,
  snapshotUpdatedSchema,
  usageRecordedSchema,
  type OpsError,
  type SnapshotUpdated,
  type UsageRecorded,
} from '@switchyard/contracts';
import { expectMalformed, issuePaths, roundTrip, without } from './decode-helpers.js';

describe('snapshotUpdatedSchema', () => {
  const notice: SnapshotUpdated = { bucket: 'g3:anthropic:mixed', version: 17, accountCount: 42 };

  it('accepts a notice for a valid bucket', () => {
    expect(roundTrip(snapshotUpdatedSchema, notice)).toEqual(notice);
  });

  it.each([
    ['a garbage bucket key', { ...notice, bucket: 'anthropic' }, 'bucket'],
    ['a bucket with an unknown platform', { ...notice, bucket: 'g3:azure:mixed' }, 'bucket'],
    ['a negative version', { ...notice, version: -1 }, 'version'],
    ['a missing account count', without(notice, 'accountCount'), 'accountCount'],
  ])('rejects a notice with %s', (_label, message, path) => {
    expect(issuePaths(expectMalformed(snapshotUpdatedSchema, message))).toContain(path);
  });
});

describe('usageRecordedSchema', () => {
  const usage: UsageRecorded = {
    requestId: 'req-9',
    apiKeyId: 11,
    userId: null,
    groupId: 2,
    accountId: 31,
    platform: 'openai',
    requestedModel: 'gpt-5',
    upstreamModel: 'gpt-5-2025-08-07',
    inputTokens: 1200,
    outputTokens: 340,
    cacheCreationTokens: 0,
    cacheReadTokens: 800,
    stream: true,
    durationMs: 5321,
    firstTokenMs: 410,
    isCountTokens: false,
    occurredAt: 1_700_000_000_000,
  };

  it('accepts a usage record, with nullable ids and first-token time', () => {
    expect(roundTrip(usageRecordedSchema, usage)).toEqual(usage);
    const bare = { ...usage, groupId: null, firstTokenMs: null, userId: 4 };
    expect(roundTrip(usageRecordedSchema, bare)).toEqual(bare);
  });

  it.each([
    ['fractional tokens', { ...usage, inputTokens: 10.5 }, 'inputTokens'],
    ['negative tokens', { ...usage, outputTokens: -3 }, 'outputTokens'],
    ['an unknown platform', { ...usage, platform: 'mistral' }, 'platform'],
    ['a missing upstream model', without(usage, 'upstreamModel'), 'upstreamModel'],
    ['an undefined user id (must be null)', without(usage, 'userId'), 'userId'],
    ['a string stream flag', { ...usage, stream: 'true' }, 'stream'],
  ])('rejects a record with %s', (_label, message, path) => {
    expect(issuePaths(expectMalformed(usageRecordedSchema, message))).toContain(path);
  });
});

describe('opsErrorSchema', () => {
  const opsError: OpsError = {
    requestId: 'req-9',
    attemptId: 'req-9#2',
    phase: 'upstream',
    statusCode: 502,
    upstreamStatusCode: 529,
    errorOwner: 'provider',
    isBusinessLimited: false,
    isCountTokens: false,
    platform: 'anthropic',
    groupId: 2,
    accountId: 31,
    apiKeyId: 11,
    retryCount: 1,
    message: 'upstream overloaded',
    occurredAt: 1_700_000_000_000,
  };

  it('accepts an upstream error record', () => {
    expect(roundTrip(opsErrorSchema, opsError)).toEqual(opsError);
  });

  it('accepts an auth error that knows nothing about routing', () => {
    const authError = {
      ...opsError,
      phase: 'auth',
      statusCode: 401,
      upstreamStatusCode: null,
      errorOwner: 'client',
      platform: null,
      groupId: null,
      accountId: null,
      apiKeyId: null,
      retryCount: 0,
      message: '',
    };
    expect(roundTrip(opsErrorSchema, authError)).toEqual(authError);
  });

  it.each([
    ['an unknown phase', { ...opsError, phase: 'billing' }, 'phase'],
    ['an unknown owner', { ...opsError, errorOwner: 'nobody' }, 'errorOwner'],
    ['a missing attempt id', without(opsError, 'attemptId'), 'attemptId'],
    ['a status code out of range', { ...opsError, statusCode: 700 }, 'statusCode'],
    ['a fractional retry count', { ...opsError, retryCount: 0.5 }, 'retryCount'],
  ])('rejects a record with %s', (_label, message, path) => {
    expect(issuePaths(expectMalformed(opsErrorSchema, message))).toContain(path);
  });
});
