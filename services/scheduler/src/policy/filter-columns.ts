import { Transport } from '@switchyard/contracts';
import { SchedulingMode } from '@switchyard/domain';
import { OPENAI_CODE, platformCode, type BucketColumns } from './bucket-columns.js';
import type { CandidateColumns } from './candidate-columns.js';
import type { EligibilityContext } from './eligibility.js';
import type { EligibleSummary } from './eligible-summary.js';
import { loadRate, UNKNOWN } from './score.js';

/**
 * The load-balance filtering pass over a bucket's columns: the same rules in the same order as
 * `ineligibility` (excluded, platform, transport, schedulable now, model), the same rejection
 * counts and the same scratch rows as the pass over candidate objects (load-balance.ts), read
 * from typed arrays. A property test holds the two to identical plans.
 */
export function filterColumns(
  bucket: BucketColumns,
  context: EligibilityContext,
  columns: CandidateColumns,
  summary: EligibleSummary,
): void {
  const { ref, id, priority, loadRate: load, waiting, errorRate, ttftMs } = columns;
  const { excluded, now } = context;
  const checkExcluded = excluded.length !== 0;
  const wanted = platformCode(context.platform);
  const mixed = context.mode === SchedulingMode.Mixed;
  // Responses over WebSocket: only openai accounts (supports-transport.ts).
  const websocket = context.transport === Transport.WebSocket;
  const models = context.model === undefined ? null : bucket.modelSupport(context.model);
  const {
    id: ids,
    priority: priorities,
    concurrency,
    statusOk,
    expiresAt,
    blockedUntil,
    platform,
    mixedOk,
    errorRate: errorRates,
    ttftMs: ttfts,
    hasTtft,
    inUse,
    waiting: waitings,
  } = bucket;
  const rejected = summary.rejected;
  const total = bucket.size;
  let count = 0;
  let minPriority = Infinity;
  let maxPriority = -Infinity;
  let minTtft = Infinity;
  let loadSum = 0;
  let loadSquares = 0;
  for (let i = 0; i < total; i++) {
    if (checkExcluded && excluded.includes(ids[i])) {
      rejected.excluded += 1;
      continue;
    }
    const code = platform[i];
    if (code !== wanted && !(mixed && mixedOk[i] === 1)) {
      rejected.platform += 1;
      continue;
    }
    if (websocket && code !== OPENAI_CODE) {
      rejected.transport += 1;
      continue;
    }
    // isSchedulable, negated so that NaN instants never block, as there.
    if (statusOk[i] !== 1 || expiresAt[i] <= now || blockedUntil[i] > now) {
      rejected.unschedulable += 1;
      continue;
    }
    if (models !== null && models[i] !== 1) {
      rejected.model += 1;
      continue;
    }
    const accountPriority = priorities[i];
    if (accountPriority < minPriority) minPriority = accountPriority;
    if (accountPriority > maxPriority) maxPriority = accountPriority;
    const rate = loadRate(inUse[i], concurrency[i]);
    loadSum += rate;
    loadSquares += rate * rate;
    let ttft: number = UNKNOWN;
    if (hasTtft[i] === 1) {
      ttft = ttfts[i];
      if (ttft < minTtft) minTtft = ttft;
    }
    ref[count] = i;
    id[count] = ids[i];
    priority[count] = accountPriority;
    load[count] = rate;
    waiting[count] = waitings[i];
    errorRate[count] = errorRates[i];
    ttftMs[count] = ttft;
    count++;
  }
  summary.count = count;
  summary.minPriority = minPriority;
  summary.maxPriority = maxPriority;
  summary.minTtftMs = minTtft;
  summary.loadSum = loadSum;
  summary.loadSquares = loadSquares;
}
