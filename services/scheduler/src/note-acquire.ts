import type { BucketCandidates } from './bucket-candidates.js';
import type { AcquireOutcome } from './select-redis.js';

/**
 * Folds what an acquire saw into the bucket's loads when it did not read them: attempts passed
 * over were full, the one that got the slot has one more holder. Keeps the replica from sending
 * the next select straight back to an account it just found full.
 */
export function noteAcquire(
  bucket: BucketCandidates,
  attempts: readonly { readonly accountId: number; readonly limit: number }[],
  outcome: AcquireOutcome,
): void {
  const tried =
    outcome.kind === 'acquired' ? outcome.attempt : outcome.kind === 'full' ? attempts.length : 0;
  for (let i = 0; i < tried; i++) {
    const candidate = bucket.get(attempts[i]!.accountId);
    if (candidate !== undefined) candidate.load.inUse = attempts[i]!.limit;
  }
  if (outcome.kind === 'acquired') {
    const candidate = bucket.get(outcome.accountId);
    if (candidate !== undefined) candidate.load.inUse += 1;
  }
}
