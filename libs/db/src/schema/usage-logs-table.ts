import type { CreatedAt, Id, Nullable, NumericWithDefault, WithDefault } from './column-types.js';

/** One row per request that an upstream served; `request_id` makes ingest idempotent. */
export interface UsageLogsTable {
  id: Id;
  request_id: string;
  api_key_id: number;
  user_id: Nullable<number>;
  group_id: Nullable<number>;
  account_id: number;
  platform: string;
  /** The model the upstream reported. */
  model: string;
  /** The model the client asked for. */
  requested_model: string;
  /** The model sent upstream after mapping; null when it was not recorded. */
  upstream_model: Nullable<string>;
  input_tokens: WithDefault<number>;
  output_tokens: WithDefault<number>;
  cache_creation_tokens: WithDefault<number>;
  cache_read_tokens: WithDefault<number>;
  stream: WithDefault<boolean>;
  is_count_tokens: WithDefault<boolean>;
  duration_ms: number;
  first_token_ms: Nullable<number>;
  /** USD, priced at ingest (MODEL_PRICES); 0 when the model had no price. */
  cost_usd: NumericWithDefault;
  /** Set from the event's own time so that replays land in the same bucket. */
  created_at: CreatedAt;
}
