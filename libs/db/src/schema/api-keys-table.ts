import type {
  CreatedAt,
  Id,
  Nullable,
  NullableNumeric,
  NullableTimestamp,
  NumericWithDefault,
  UpdatedAt,
  WithDefault,
} from './column-types.js';
import type { EntityStatus } from './column-values.js';

export interface ApiKeysTable {
  id: Id;
  user_id: Nullable<number>;
  name: string;
  /** SHA-256 hex of the full key; the key itself is never stored. */
  key_hash: string;
  /** The first visible characters of the key, so that an admin can recognise it. */
  key_prefix: string;
  group_id: Nullable<number>;
  status: WithDefault<EntityStatus>;
  expires_at: NullableTimestamp;
  quota_limit_usd: NullableNumeric;
  quota_used_usd: NumericWithDefault;
  quota_tokens_limit: Nullable<number>;
  quota_tokens_used: WithDefault<number>;
  concurrency_limit: Nullable<number>;
  rpm_limit: Nullable<number>;
  last_used_at: NullableTimestamp;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}
