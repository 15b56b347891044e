import type { CreatedAt, Id, Nullable, WithDefault } from './column-types.js';
import type { ErrorOwner } from './column-values.js';

/** One row per failed upstream attempt; `attempt_id` makes ingest idempotent. */
export interface OpsErrorLogsTable {
  id: Id;
  request_id: string;
  attempt_id: string;
  /** Where the attempt failed (e.g. auth, select, upstream, stream). */
  phase: string;
  /** Status returned to the client. */
  status_code: number;
  upstream_status_code: Nullable<number>;
  error_owner: ErrorOwner;
  /** The client hit its own quota or rate limit: counted, but not against the SLA. */
  is_business_limited: WithDefault<boolean>;
  is_count_tokens: WithDefault<boolean>;
  platform: Nullable<string>;
  group_id: Nullable<number>;
  account_id: Nullable<number>;
  api_key_id: Nullable<number>;
  retry_count: WithDefault<number>;
  message: string;
  created_at: CreatedAt;
}
