export { createRedis, closeRedis } from './create-redis.js';
export type { CreateRedisOptions, RedisLogger } from './create-redis.js';
export { KeyBuilder } from './key-builder.js';
export type { KeyPart } from './key-builder.js';
export { defineScripts } from './define-scripts.js';
export type { ScriptSpec, ScriptArg, ScriptFn, ScriptFns } from './define-scripts.js';
export { acquireSlot, releaseSlot, refreshSlot, readLoads } from './slots.js';
export type { AcquireSlotInput, RefreshSlotInput, AccountLoad } from './slots.js';
export { acquireLock, releaseLock, extendLock } from './lock.js';
export {
  RedisHelperError,
  InvalidKeyPartError,
  UnexpectedReplyError,
  ScriptArgumentError,
} from './redis-errors.js';
export type { Redis } from 'ioredis';
