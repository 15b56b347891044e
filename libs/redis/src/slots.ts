import type { Redis } from 'ioredis';
import { defineScripts } from './define-scripts.js';
import type { ScriptFns } from './define-scripts.js';
import type { KeyBuilder, KeyPart } from './key-builder.js';
import { parseFlag } from './reply.js';
import { UnexpectedReplyError } from './redis-errors.js';
import { READ_LOADS_LUA, SLOT_ACQUIRE_LUA, SLOT_REFRESH_LUA } from './slot-scripts.js';

const slotSpecs = {
  acquire: { lua: SLOT_ACQUIRE_LUA, keys: 1, parse: parseFlag('slot acquire') },
  refresh: { lua: SLOT_REFRESH_LUA, keys: 1, parse: parseFlag('slot refresh') },
  readLoads: { lua: READ_LOADS_LUA, keys: 'variadic', parse: parseCounts },
} as const;

const scriptsByClient = new WeakMap<Redis, ScriptFns<typeof slotSpecs>>();

function scripts(redis: Redis): ScriptFns<typeof slotSpecs> {
  let fns = scriptsByClient.get(redis);
  if (fns === undefined) {
    fns = defineScripts(redis, slotSpecs);
    scriptsByClient.set(redis, fns);
  }
  return fns;
}

export interface AcquireSlotInput {
  /** The request taking the slot; also the handle to release or refresh it. */
  readonly requestId: string;
  /** Most members the set may hold (the account's `concurrency`, or a max queue length). */
  readonly limit: number;
  /** How long the holding lasts without a refresh. */
  readonly ttlMs: number;
  /** Caller's clock, ms since epoch (see slot-scripts.ts on clocks). */
  readonly now: number;
}

/**
 * Atomically prunes expired holders and adds `requestId` if fewer than `limit` remain.
 * Works for any slot-shaped zset: account slots, waiting sets, API key concurrency.
 * Returns true when the request holds a slot.
 */
export function acquireSlot(redis: Redis, key: string, input: AcquireSlotInput): Promise<boolean> {
  return scripts(redis).acquire([key], [input.now, input.limit, input.ttlMs, input.requestId]);
}

/** Releases the request's slot. Returns true if it was holding one. */
export async function releaseSlot(redis: Redis, key: string, requestId: string): Promise<boolean> {
  // A single ZREM is atomic on its own; no script needed.
  return (await redis.zrem(key, requestId)) === 1;
}

export interface RefreshSlotInput {
  readonly requestId: string;
  readonly ttlMs: number;
  readonly now: number;
}

/** Extends a live holding to now+ttl. False if the request no longer holds a slot. */
export function refreshSlot(redis: Redis, key: string, input: RefreshSlotInput): Promise<boolean> {
  return scripts(redis).refresh([key], [input.now, input.ttlMs, input.requestId]);
}

export interface AccountLoad {
  /** Live slot holders. */
  readonly inUse: number;
  /** Live waiters. */
  readonly waiting: number;
}

/**
 * Load of many accounts in one round trip (one EVALSHA), pruning expired members on the way.
 * Duplicate ids are read once. Needs all keys on one node (see KeyBuilder).
 */
export async function readLoads(
  redis: Redis,
  keys: KeyBuilder,
  accountIds: readonly KeyPart[],
  now: number,
): Promise<Map<KeyPart, AccountLoad>> {
  const ids = [...new Set(accountIds)];
  const loads = new Map<KeyPart, AccountLoad>();
  if (ids.length === 0) return loads;
  const redisKeys = new Array<string>(ids.length * 2);
  for (let i = 0; i < ids.length; i++) {
    redisKeys[i] = keys.slots(ids[i]!);
    redisKeys[ids.length + i] = keys.waiting(ids[i]!);
  }
  const counts = await scripts(redis).readLoads(redisKeys, [now]);
  if (counts.length !== ids.length * 2) throw new UnexpectedReplyError('readLoads', counts);
  for (let i = 0; i < ids.length; i++) {
    loads.set(ids[i]!, { inUse: counts[2 * i]!, waiting: counts[2 * i + 1]! });
  }
  return loads;
}

function parseCounts(reply: unknown): number[] {
  if (!Array.isArray(reply) || !reply.every((n) => typeof n === 'number')) {
    throw new UnexpectedReplyError('readLoads', reply);
  }
  return reply as number[];
}
