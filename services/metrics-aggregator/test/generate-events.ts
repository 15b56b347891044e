import type { OpsError, UsageRecorded } from '@switchyard/contracts';
import { PLATFORMS, seededRandom } from '@switchyard/domain';

export type GeneratedEvents = { usage: UsageRecorded[]; errors: OpsError[] };

export type GenerateOptions = {
  /** Events fall in [from, to), epoch ms. */
  readonly from: number;
  readonly to: number;
  readonly usage: number;
  readonly errors: number;
  readonly seed: number;
  /** Prefix of request ids, so several batches of events do not collide. */
  readonly prefix?: string;
};

/**
 * Traffic with every case the aggregation must get right: ungrouped usage (groupId null),
 * count_tokens probes, non-streamed requests without TTFT, latencies from 0 ms to past the
 * histogram's last bound; errors without platform (failed before routing), without group,
 * count_tokens errors, business-limited refusals, upstream 429 / 529 / 5xx and failures with no
 * upstream status.
 */
export function generateEvents(options: GenerateOptions): GeneratedEvents {
  const random = seededRandom(options.seed);
  const prefix = options.prefix ?? 'g';
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const at = () => options.from + Math.floor(random() * (options.to - options.from));
  const latency = (median: number) => {
    const r = random();
    if (r < 0.03) return Math.floor(random() * 100); // the exact, one-millisecond buckets
    if (r < 0.035) return 650_000 + Math.floor(random() * 50_000); // beyond the last bound
    return Math.max(1, Math.round(median * Math.exp((random() - 0.5) * 3)));
  };
  const usage: UsageRecorded[] = [];
  for (let i = 0; i < options.usage; i++) {
    const isCountTokens = random() < 0.06;
    const stream = !isCountTokens && random() < 0.7;
    usage.push({
      requestId: `${prefix}-u-${i}`,
      apiKeyId: 1 + Math.floor(random() * 5),
      userId: random() < 0.5 ? null : 7,
      groupId: random() < 0.25 ? null : pick([1, 2, 3]),
      accountId: 1 + Math.floor(random() * 8),
      platform: pick(PLATFORMS),
      requestedModel: 'model-a',
      upstreamModel: 'model-a-2025',
      inputTokens: isCountTokens ? 0 : Math.floor(random() * 4000),
      outputTokens: isCountTokens ? 0 : Math.floor(random() * 1500),
      cacheCreationTokens: random() < 0.2 ? Math.floor(random() * 500) : 0,
      cacheReadTokens: random() < 0.3 ? Math.floor(random() * 2000) : 0,
      stream,
      durationMs: isCountTokens ? Math.floor(random() * 80) : latency(3000),
      firstTokenMs: stream ? latency(700) : null,
      isCountTokens,
      occurredAt: at(),
    });
  }
  const errors: OpsError[] = [];
  for (let i = 0; i < options.errors; i++) {
    const beforeRouting = random() < 0.18;
    const businessLimited = !beforeRouting && random() < 0.12;
    const upstream =
      !beforeRouting && !businessLimited ? pick([429, 529, 500, 503, 400, null]) : null;
    errors.push({
      requestId: `${prefix}-r-${Math.floor(i / 2)}`,
      attemptId: `${prefix}-a-${i}`,
      phase: beforeRouting
        ? pick(['auth', 'routing'] as const)
        : upstream === null
          ? pick(['upstream', 'response'] as const)
          : 'upstream',
      statusCode: businessLimited
        ? 429
        : beforeRouting
          ? pick([401, 403, 503])
          : upstream === null
            ? 502
            : upstream === 529
              ? 503
              : upstream,
      upstreamStatusCode: upstream,
      errorOwner:
        businessLimited || beforeRouting ? 'client' : pick(['provider', 'platform'] as const),
      isBusinessLimited: businessLimited,
      isCountTokens: !beforeRouting && random() < 0.1,
      platform: beforeRouting ? null : pick(PLATFORMS),
      groupId: random() < 0.3 ? null : pick([1, 2, 3]),
      accountId: beforeRouting ? null : 1 + Math.floor(random() * 8),
      apiKeyId: random() < 0.1 ? null : 1 + Math.floor(random() * 5),
      retryCount: Math.floor(random() * 3),
      message: pick([
        'upstream overloaded',
        'rate limited',
        'bad credentials',
        'quota exceeded | daily',
      ]),
      occurredAt: at(),
    });
  }
  return { usage, errors };
}
