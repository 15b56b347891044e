/**
 * Admits one request under its API key's per-minute count and concurrency limit in a single
 * Redis call, atomically.
 *
 * KEYS[1]: the key's counter for this clock minute. KEYS[2]: the key's concurrency set, in the
 * slot-set layout of @switchyard/redis (member = request id, score = expiry in ms, expired
 * members pruned before counting) so that its `releaseSlot`/`refreshSlot` work on it.
 * ARGV: rpm limit (-1: none), counter TTL ms, concurrency limit (-1: none), now ms, slot TTL
 * ms, request id.
 * Returns {count, held}: the minute's count including this request (0 when not counted) and 1
 * when the request holds a concurrency slot afterwards.
 *
 * Every request counts toward its minute, refused or not. One over the per-minute limit takes
 * no slot; otherwise the slot is taken exactly as SLOT_ACQUIRE_LUA does (a retried acquire by
 * the same request is idempotent).
 */
export const KEY_ADMIT_LUA = `
local rpm = tonumber(ARGV[1])
local count = 0
if rpm >= 0 then
  count = redis.call('INCR', KEYS[1])
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  if count > rpm then
    return {count, 0}
  end
end
local limit = tonumber(ARGV[3])
if limit < 0 then
  return {count, 0}
end
local now = tonumber(ARGV[4])
local ttl = tonumber(ARGV[5])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
if not redis.call('ZSCORE', KEYS[2], ARGV[6]) then
  if redis.call('ZCARD', KEYS[2]) >= limit then
    return {count, 0}
  end
end
redis.call('ZADD', KEYS[2], now + ttl, ARGV[6])
if redis.call('PTTL', KEYS[2]) < ttl then
  redis.call('PEXPIRE', KEYS[2], ttl)
end
return {count, 1}
`;
