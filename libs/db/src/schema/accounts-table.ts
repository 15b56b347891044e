import type {
  CreatedAt,
  Id,
  Nullable,
  NullableJson,
  NullableTimestamp,
  UpdatedAt,
  WithDefault,
} from './column-types.js';
import type { AccountStatus, AccountType, ModelMapping, Platform } from '@switchyard/domain';

export interface AccountsTable {
  id: Id;
  name: string;
  platform: Platform;
  type: AccountType;
  /** Output of the credential cipher; plaintext credentials never reach this table. */
  credentials_encrypted: string;
  /** Upstream base URL override (points accounts at the simulator in tests and demos). */
  base_url: Nullable<string>;
  concurrency: WithDefault<number>;
  /** Lower is preferred. */
  priority: WithDefault<number>;
  status: WithDefault<AccountStatus>;
  error_message: Nullable<string>;
  schedulable: WithDefault<boolean>;
  rate_limit_reset_at: NullableTimestamp;
  overload_until: NullableTimestamp;
  temp_unschedulable_until: NullableTimestamp;
  temp_unschedulable_reason: Nullable<string>;
  /** Observation time of the newest upstream state applied, so older state events can be refused. */
  state_observed_at: NullableTimestamp;
  model_mapping: NullableJson<ModelMapping>;
  mixed_scheduling: WithDefault<boolean>;
  last_used_at: NullableTimestamp;
  expires_at: NullableTimestamp;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}
