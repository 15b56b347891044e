import type { CreatedAt, Id, UpdatedAt, WithDefault } from './column-types.js';
import type { EntityStatus } from './column-values.js';

export interface UsersTable {
  id: Id;
  email: string;
  name: string;
  status: WithDefault<EntityStatus>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}
