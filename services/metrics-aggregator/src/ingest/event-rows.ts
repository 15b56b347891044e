import type { OpsError, UsageRecorded } from '@switchyard/contracts';
import type { OpsErrorLogInsert, UsageLogInsert } from '@switchyard/db';

/**
 * The usage_logs row of a usage event, with what it cost in USD (0 when unpriced);
 * `created_at` is the event's time, not ours.
 */
export function usageRow(event: UsageRecorded, costUsd: number): UsageLogInsert {
  return {
    request_id: event.requestId,
    api_key_id: event.apiKeyId,
    user_id: event.userId,
    group_id: event.groupId,
    account_id: event.accountId,
    platform: event.platform,
    // The event carries what was asked for and what was sent upstream; `model` is the one the
    // upstream served, which is the one sent.
    model: event.upstreamModel,
    requested_model: event.requestedModel,
    upstream_model: event.upstreamModel,
    input_tokens: event.inputTokens,
    output_tokens: event.outputTokens,
    cache_creation_tokens: event.cacheCreationTokens,
    cache_read_tokens: event.cacheReadTokens,
    stream: event.stream,
    is_count_tokens: event.isCountTokens,
    duration_ms: event.durationMs,
    first_token_ms: event.firstTokenMs,
    cost_usd: costUsd,
    created_at: new Date(event.occurredAt).toISOString(),
  };
}

/** The ops_error_logs row of an error event. */
export function errorRow(event: OpsError): OpsErrorLogInsert {
  return {
    request_id: event.requestId,
    attempt_id: event.attemptId,
    phase: event.phase,
    status_code: event.statusCode,
    upstream_status_code: event.upstreamStatusCode,
    error_owner: event.errorOwner,
    is_business_limited: event.isBusinessLimited,
    is_count_tokens: event.isCountTokens,
    platform: event.platform,
    group_id: event.groupId,
    account_id: event.accountId,
    api_key_id: event.apiKeyId,
    retry_count: event.retryCount,
    message: event.message,
    created_at: new Date(event.occurredAt).toISOString(),
  };
}

/**
 * Keeps the first event of each key: a batch may hold an event twice (a redelivery next to
 * the original), and one statement must not insert the same key twice.
 */
export function uniqueBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  const unique: T[] = [];
  for (const item of items) {
    const k = key(item);
    if (seen.has(k)) continue;
    seen.add(k);
    unique.push(item);
  }
  return unique;
}
