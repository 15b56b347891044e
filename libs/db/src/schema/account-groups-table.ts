import type { CreatedAt, WithDefault } from './column-types.js';

export interface AccountGroupsTable {
  account_id: number;
  group_id: number;
  priority: WithDefault<number>;
  created_at: CreatedAt;
}
