import type { ScriptSpec } from './define-scripts.js';
import { UnexpectedReplyError } from './redis-errors.js';

/*
 * Lua for bucket snapshots. Layout, all under one bucket's hash tag `{s:<bucket>}`:
 *   ptr    HASH  v = current version (the fence: no write at or below it is accepted)
 *                k = name of the version key holding the current payload
 *                n = its account count
 *                r = highest version handed out by `reserve`
 *   v:<n>  STRING the JSON payload of version n; immutable once written
 * The version key's name is stored in the pointer rather than rebuilt from a prefix inside the
 * script; it shares the pointer's hash tag, so pointer and payload always live on one node.
 */

// A version is max(last + 1, Redis clock in ms). The clock term keeps versions growing after
// Redis lost its data (flush, failover to an empty replica): a scheduler that loaded version
// 1,700,000,000,123 before the flush must not ignore the rebuilt bucket as "older".
// ARGV[1]: how long a pointer that only holds a reservation lives, so that reserving a bucket
// that then stays empty leaves nothing behind; the first write makes the pointer permanent.
const RESERVE_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local f = redis.call('HMGET', KEYS[1], 'v', 'r')
local last = math.max(tonumber(f[1] or '0'), tonumber(f[2] or '0'))
local nextVersion = math.max(last + 1, now)
redis.call('HSET', KEYS[1], 'r', nextVersion)
if not f[1] then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return nextVersion
`;

// Returns {status, version}: 1 written, 2 same payload (only the fence moved), 0 refused
// because the pointer already holds a version >= ours (version = the pointer's). "Same" is a
// plain comparison with the current payload: Redis hands Lua the stored string and equal Lua
// strings compare in one memcmp, far cheaper than hashing every payload.
const WRITE_LUA = `
local version = tonumber(ARGV[1])
local f = redis.call('HMGET', KEYS[1], 'v', 'k')
local current = tonumber(f[1] or '0')
if version <= current then return {0, current} end
if f[2] and redis.call('GET', f[2]) == ARGV[2] then
  redis.call('HSET', KEYS[1], 'v', version)
  return {2, version}
end
redis.call('SET', KEYS[2], ARGV[2])
redis.call('HSET', KEYS[1], 'v', version, 'k', KEYS[2], 'n', ARGV[3])
redis.call('PERSIST', KEYS[1])
if f[2] and f[2] ~= KEYS[2] then redis.call('PEXPIRE', f[2], ARGV[4]) end
return {1, version}
`;

// Pointer and payload in one round trip, read atomically: never a pointer to a missing payload.
const READ_LUA = `
local f = redis.call('HMGET', KEYS[1], 'v', 'k')
if not f[1] or not f[2] then return false end
local data = redis.call('GET', f[2])
if not data then return false end
return {f[1], data}
`;

export const WriteStatus = {
  Refused: 0,
  Written: 1,
  Unchanged: 2,
} as const;
export type WriteStatus = (typeof WriteStatus)[keyof typeof WriteStatus];

function parseVersion(what: string, reply: unknown): number {
  const version = typeof reply === 'string' ? Number(reply) : reply;
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 0) {
    throw new UnexpectedReplyError(what, reply);
  }
  return version;
}

export const snapshotSpecs = {
  reserve: {
    lua: RESERVE_LUA,
    keys: 1,
    parse: (reply: unknown) => parseVersion('snapshot reserve', reply),
  } satisfies ScriptSpec<number>,
  write: {
    lua: WRITE_LUA,
    keys: 2,
    parse: (reply: unknown): { status: WriteStatus; version: number } => {
      if (!Array.isArray(reply) || reply.length !== 2) {
        throw new UnexpectedReplyError('snapshot write', reply);
      }
      const status: unknown = reply[0];
      if (status !== 0 && status !== 1 && status !== 2) {
        throw new UnexpectedReplyError('snapshot write', reply);
      }
      return { status, version: parseVersion('snapshot write', reply[1]) };
    },
  } satisfies ScriptSpec<{ status: WriteStatus; version: number }>,
  read: {
    lua: READ_LUA,
    keys: 1,
    readOnly: true,
    parse: (reply: unknown): { version: number; payload: string } | null => {
      if (reply === null) return null;
      if (!Array.isArray(reply) || reply.length !== 2 || typeof reply[1] !== 'string') {
        throw new UnexpectedReplyError('snapshot read', reply);
      }
      return { version: parseVersion('snapshot read', reply[0]), payload: reply[1] };
    },
  } satisfies ScriptSpec<{ version: number; payload: string } | null>,
} as const;
