import type { CreatedAt, Id, UpdatedAt, WithDefault } from './column-types.js';
import type { Platform } from '@switchyard/domain';
import type { EntityStatus } from './column-values.js';

export interface GroupsTable {
  id: Id;
  name: string;
  platform: Platform;
  description: WithDefault<string>;
  status: WithDefault<EntityStatus>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}
