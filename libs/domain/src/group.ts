import type { Platform } from './platform.js';

/**
 * Group id used for accounts that belong to no group, and for requests whose API key has no
 * group. Real groups are numbered from 1 by Postgres, so 0 never collides.
 */
export const UNGROUPED_GROUP_ID = 0;

/** A named pool of accounts of one platform; API keys are bound to a group. */
export type Group = {
  id: number;
  name: string;
  platform: Platform;
};
