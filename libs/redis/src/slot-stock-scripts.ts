// Lua of the slot stock (slot-stock.ts), on the per-account slot zsets of slot-scripts.ts (member = slot token, score = expiry ms on the callers' clocks).

/**
 * After answers from stock went out: marks each handed-out slot for retries of its select, keeps
 * the session bindings those selects used alive, and takes new slots ahead for the stock.
 *
 * KEYS: per claim, the select's marker key and its session binding key (the marker key again
 *       when there is none); then per refill, the account's slot zset.
 * ARGV: [1] now ms, [2] marker ttl ms, [3] binding ttl ms, [4] expiry of new stock slots,
 *       [5] C claims, [6] R refills; then per claim: marker value, '1' to refresh the binding;
 *       then per refill: cap (take only while the zset holds fewer), N, then N member names.
 * Returns C flags (1: marker written; 0: a later select of the request id already wrote one),
 * then R counts of slots taken.
 *
 * A marker is only written where none exists: one that exists was written by a later select of
 * the same request id (a failover or a retry), which holds the slot its caller now uses.
 */
export const STOCK_FLUSH_LUA = `
local now = tonumber(ARGV[1])
local expiresAt = tonumber(ARGV[4])
local claims = tonumber(ARGV[5])
local refills = tonumber(ARGV[6])
local a = 7
local k = 1
local out = {}
for i = 1, claims do
  local set = redis.call('SET', KEYS[k], ARGV[a], 'PX', ARGV[2], 'NX')
  out[i] = set and 1 or 0
  if ARGV[a + 1] == '1' then redis.call('PEXPIRE', KEYS[k + 1], ARGV[3]) end
  k = k + 2
  a = a + 2
end
for i = 1, refills do
  local key = KEYS[k]
  local cap = tonumber(ARGV[a])
  local n = tonumber(ARGV[a + 1])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
  local room = cap - redis.call('ZCARD', key)
  local got = 0
  for j = 1, math.min(n, room) do
    redis.call('ZADD', key, expiresAt, ARGV[a + 1 + j])
    got = j
  end
  if got > 0 and redis.call('PTTL', key) < expiresAt - now then
    redis.call('PEXPIRE', key, expiresAt - now)
  end
  out[claims + i] = got
  k = k + 1
  a = a + 2 + n
end
return out
`;

/**
 * Pushes the expiry of slots still in stock out to ARGV[1], where they are still held (a slot
 * another replica pruned as expired is not brought back) and the account has room to spare:
 * where its live holders, stock included, already reach the key's cap (three quarters of its
 * concurrency), the stocked slots are given back instead, so stock never sits on capacity that
 * requests need for longer than one refresh.
 * KEYS: slot zsets. ARGV: [1] new expiry, [2] now ms, then per key: cap, M, then M member names.
 * Returns one flag per member, in order: 1 extended, 0 gone (expired, or given back).
 */
export const STOCK_EXTEND_LUA = `
local expiresAt = tonumber(ARGV[1])
local now = tonumber(ARGV[2])
local a = 3
local out = {}
for k = 1, #KEYS do
  local cap = tonumber(ARGV[a])
  local m = tonumber(ARGV[a + 1])
  local full = redis.call('ZCOUNT', KEYS[k], '(' .. ARGV[2], '+inf') >= cap
  for j = 1, m do
    local member = ARGV[a + 1 + j]
    local score = redis.call('ZSCORE', KEYS[k], member)
    if score and tonumber(score) > now and not full then
      redis.call('ZADD', KEYS[k], expiresAt, member)
      out[#out + 1] = 1
    else
      if score then redis.call('ZREM', KEYS[k], member) end
      out[#out + 1] = 0
    end
  end
  if redis.call('PTTL', KEYS[k]) < expiresAt - now then
    redis.call('PEXPIRE', KEYS[k], expiresAt - now)
  end
  a = a + 2 + m
end
return out
`;

/**
 * Gives stocked slots back. KEYS: slot zsets. ARGV: per key: M, then M member names.
 * Returns how many were still held.
 */
export const STOCK_RETURN_LUA = `
local a = 1
local freed = 0
for k = 1, #KEYS do
  local m = tonumber(ARGV[a])
  for j = 1, m do
    freed = freed + redis.call('ZREM', KEYS[k], ARGV[a + j])
  end
  a = a + 1 + m
end
return freed
`;
