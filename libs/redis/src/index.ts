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
export { SnapshotStore } from './snapshot-store.js';
export type {
  BucketSnapshot,
  SnapshotStoreOptions,
  SnapshotWriteOptions,
  SnapshotWriteResult,
} from './snapshot-store.js';
export {
  digestKeyPart,
  responseBindingKey,
  safeKeyPart,
  selectMarkerKey,
  sessionBindingKey,
} from './binding-keys.js';
export { createSlotClient } from './slot-client.js';
export type { HeldSlot, SlotClient, SlotClientOptions, WaitEntry } from './slot-client.js';
export { bindResponse, readResponseBinding, readSessionBinding } from './response-binding.js';
export type { ResponseBinding } from './response-binding.js';
export { AccountRecordStore } from './account-record-store.js';
export {
  ACCOUNT_FORMAT,
  decodeAccount,
  decodeAccountList,
  encodeAccount,
  encodeAccountList,
} from './account-codec.js';
export { SlotStock } from './slot-stock.js';
export type { HandOut, SlotStockOptions, StockedSlot } from './slot-stock.js';
