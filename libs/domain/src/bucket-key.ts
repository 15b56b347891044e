import { InvalidBucketKeyError } from './invalid-bucket-key-error.js';
import { isPlatform, type Platform } from './platform.js';
import { isSchedulingMode, type SchedulingMode } from './scheduling-mode.js';

/**
 * One candidate set of the scheduler: the accounts of a group that may serve requests for
 * `platform` in scheduling `mode`. Group 0 holds ungrouped accounts.
 */
export type Bucket = {
  groupId: number;
  platform: Platform;
  mode: SchedulingMode;
};

/**
 * `g<groupId>:<platform>:<mode>`, e.g. `g12:anthropic:mixed`. Used as a Redis key suffix and a
 * NATS subject token, hence no dots or spaces.
 */
export type BucketKey = `g${number}:${Platform}:${SchedulingMode}`;

// Canonical decimal only (no sign, no leading zeros) so that bucketKey(parseBucketKey(k)) === k.
const BUCKET_KEY = /^g(0|[1-9][0-9]*):([a-z]+):([a-z]+)$/;

export function bucketKey(bucket: Bucket): BucketKey {
  const { groupId, platform, mode } = bucket;
  const key = `g${groupId}:${platform}:${mode}`;
  if (!Number.isSafeInteger(groupId) || groupId < 0) {
    throw new InvalidBucketKeyError(key, 'groupId must be a non-negative integer');
  }
  if (!isPlatform(platform)) throw new InvalidBucketKeyError(key, 'unknown platform');
  if (!isSchedulingMode(mode)) throw new InvalidBucketKeyError(key, 'unknown scheduling mode');
  return key as BucketKey;
}

/** Splits a bucket key into its parts; throws InvalidBucketKeyError on anything else. */
export function parseBucketKey(key: string): Bucket {
  const match = typeof key === 'string' ? BUCKET_KEY.exec(key) : null;
  if (match === null) {
    throw new InvalidBucketKeyError(String(key), 'expected g<groupId>:<platform>:<mode>');
  }
  const [, group = '', platform, mode] = match;
  const groupId = Number(group);
  if (!Number.isSafeInteger(groupId)) throw new InvalidBucketKeyError(key, 'groupId too large');
  if (!isPlatform(platform)) throw new InvalidBucketKeyError(key, 'unknown platform');
  if (!isSchedulingMode(mode)) throw new InvalidBucketKeyError(key, 'unknown scheduling mode');
  return { groupId, platform, mode };
}

export function isBucketKey(value: unknown): value is BucketKey {
  if (typeof value !== 'string') return false;
  try {
    parseBucketKey(value);
    return true;
  } catch (error) {
    if (error instanceof InvalidBucketKeyError) return false;
    throw error;
  }
}
