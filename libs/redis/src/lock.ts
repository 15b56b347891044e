import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { defineScripts } from './define-scripts.js';
import type { ScriptFns } from './define-scripts.js';
import { parseFlag } from './reply.js';

// Only the holder may release or extend: compare the token and act in one atomic step, so a
// holder whose lock already expired (and was taken by someone else) cannot free the new one.
const LOCK_RELEASE_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`;

const LOCK_EXTEND_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
`;

const lockSpecs = {
  release: { lua: LOCK_RELEASE_LUA, keys: 1, parse: parseFlag('lock release') },
  extend: { lua: LOCK_EXTEND_LUA, keys: 1, parse: parseFlag('lock extend') },
} as const;

const scriptsByClient = new WeakMap<Redis, ScriptFns<typeof lockSpecs>>();

function scripts(redis: Redis): ScriptFns<typeof lockSpecs> {
  let fns = scriptsByClient.get(redis);
  if (fns === undefined) {
    fns = defineScripts(redis, lockSpecs);
    scriptsByClient.set(redis, fns);
  }
  return fns;
}

/**
 * Takes the lock if free (`SET key token NX PX ttl`). Returns the owner token to release or
 * extend it with, or null when someone else holds it. The lock expires by itself after
 * `ttlMs`, so a crashed holder cannot keep it; a long job must `extendLock` before then.
 */
export async function acquireLock(
  redis: Redis,
  key: string,
  ttlMs: number,
): Promise<string | null> {
  const token = randomUUID();
  const reply = await redis.set(key, token, 'PX', ttlMs, 'NX');
  return reply === 'OK' ? token : null;
}

/** Releases the lock if `token` still owns it. Returns true if it did. */
export function releaseLock(redis: Redis, key: string, token: string): Promise<boolean> {
  return scripts(redis).release([key], [token]);
}

/** Resets the lock's TTL to `ttlMs` if `token` still owns it. Returns true if it did. */
export function extendLock(
  redis: Redis,
  key: string,
  token: string,
  ttlMs: number,
): Promise<boolean> {
  return scripts(redis).extend([key], [token, ttlMs]);
}
