// Lua for concurrency slots. A slot set is a zset: member = request id, score = the time (ms)
// at which the holding expires unless refreshed. Expired members are pruned before counting,
// so a crashed holder frees its slot after its TTL without any sweeper.
//
// Clock: `now` comes from the caller (Date.now() in the services), not from Redis TIME.
// Why: it keeps these scripts deterministic and testable in virtual time, like the rest of
// the core, and the error it admits is small. Replicas must run NTP-synced clocks; a replica
// whose clock is Δ ahead can prune a member at most Δ before its expiry, and expiry is only
// reached by a holder that stopped refreshing (TTLs are tens of seconds, NTP skew is
// milliseconds). Redis TIME would remove the skew but make expiry untestable without sleeping.

/**
 * KEYS[1] slot zset. ARGV: now ms, limit, ttl ms, request id. Returns 1 if the request holds a
 * slot afterwards (already holding counts: a retried acquire is idempotent), else 0.
 */
export const SLOT_ACQUIRE_LUA = `
local now = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local ttl = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if not redis.call('ZSCORE', KEYS[1], ARGV[4]) then
  if redis.call('ZCARD', KEYS[1]) >= limit then
    return 0
  end
end
redis.call('ZADD', KEYS[1], now + ttl, ARGV[4])
-- The key outlives its longest member; an idle account's set then disappears by itself.
if redis.call('PTTL', KEYS[1]) < ttl then
  redis.call('PEXPIRE', KEYS[1], ttl)
end
return 1
`;

/**
 * KEYS[1] slot zset. ARGV: now ms, ttl ms, request id. Pushes the member's expiry to now+ttl
 * if it still holds a live slot and returns 1; returns 0 if it does not (never held, released,
 * or already expired — an expired member is removed rather than revived, since another request
 * may have been admitted in its place).
 */
export const SLOT_REFRESH_LUA = `
local now = tonumber(ARGV[1])
local ttl = tonumber(ARGV[2])
local score = redis.call('ZSCORE', KEYS[1], ARGV[3])
if not score then
  return 0
end
if tonumber(score) <= now then
  redis.call('ZREM', KEYS[1], ARGV[3])
  return 0
end
redis.call('ZADD', KEYS[1], now + ttl, ARGV[3])
if redis.call('PTTL', KEYS[1]) < ttl then
  redis.call('PEXPIRE', KEYS[1], ttl)
end
return 1
`;

/**
 * KEYS: N slot zsets, then the N waiting zsets in the same order. ARGV[1]: now ms.
 * Prunes expired members of each and returns a flat array
 * [inUse1, waiting1, inUse2, waiting2, ...].
 */
export const READ_LOADS_LUA = `
local n = #KEYS / 2
local now = ARGV[1]
local out = {}
for i = 1, n do
  local slots = KEYS[i]
  local waiting = KEYS[n + i]
  redis.call('ZREMRANGEBYSCORE', slots, '-inf', now)
  redis.call('ZREMRANGEBYSCORE', waiting, '-inf', now)
  out[2 * i - 1] = redis.call('ZCARD', slots)
  out[2 * i] = redis.call('ZCARD', waiting)
end
return out
`;
