// The Redis round trips of one select, as Lua. Slot sets are the zsets of
// libs/redis slot-scripts.ts (member = request id, score = expiry ms); clocks as described there.

/**
 * Round trip 1, read only: everything the policy needs from Redis.
 * KEYS: [1] response binding, [2] session binding, [3] select marker (a key that is not used
 *       may repeat another; ARGV says which lookups count), then N slot zsets, then the N
 *       waiting zsets in the same order.
 * ARGV: [1] now ms, [2] '1' to look up the response binding, [3] '1' for the session binding.
 * Returns [responseAccount, sessionAccount, marker, inUse1..inUseN, waiting1..waitingN];
 * missing bindings are ''. Live members only: ZCOUNT over (now, +inf) needs no pruning write.
 */
export const SELECT_GATHER_LUA = `
local after = '(' .. ARGV[1]
local out = {'', '', ''}
if ARGV[2] == '1' then out[1] = redis.call('GET', KEYS[1]) or '' end
if ARGV[3] == '1' then out[2] = redis.call('GET', KEYS[2]) or '' end
out[3] = redis.call('GET', KEYS[3]) or ''
for i = 4, #KEYS do
  out[i] = redis.call('ZCOUNT', KEYS[i], after, '+inf')
end
return out
`;

/**
 * Loads of many accounts, read only (no pruning write): KEYS = N slot zsets then the N waiting
 * zsets; ARGV[1] now ms. Returns [inUse1..inUseN, waiting1..waitingN]. Used to refresh large
 * buckets in the background, in slices small enough that selects interleave.
 */
export const SELECT_LOADS_LUA = `
local after = '(' .. ARGV[1]
local out = {}
for i = 1, #KEYS do
  out[i] = redis.call('ZCOUNT', KEYS[i], after, '+inf')
end
return out
`;

/** ARGV positions of SELECT_ACQUIRE_LUA before the attempts. */
export const ACQUIRE_ARGS = 13;

/** An expectation SELECT_ACQUIRE_LUA does not check. */
export const UNCHECKED = '*';

/**
 * The acting round trip: check that the decision's inputs still hold, take a slot, update the
 * bindings, and read the loads for the next decision — atomically.
 *
 * The decision was made on bindings and a marker the caller expects (read by the gather trip
 * just before, or remembered from earlier selects) and on loads at most a few hundred ms old.
 * If a binding or the marker is not what the caller expected, nothing is taken: the script
 * returns what it found and the caller decides again. So a select acts only on facts that are
 * true when it acts, and in the common case needs this one round trip.
 *
 * The marker of a select names the slot it holds as '<account id>:<slot token>' (the token is
 * the request id for a slot taken here, a stock token for one handed out of a replica's stock,
 * see SlotStock in libs/redis).
 *
 * KEYS: [1] select marker, [2] session binding, [3] response binding, [4] slot zset of the
 *       account the marker names (any key when ARGV[6] is ''), then the A attempts' slot
 *       zsets, then N slot zsets and the N waiting zsets whose loads to return.
 * ARGV: [1] now ms, [2] slot ttl ms, [3] request id, [4] marker ttl ms,
 *       [5] expected marker, as read ('' none), [6] what to do with the slot the marker names: '' nothing,
 *           'keep' return it when still held, 'release' free it (its account is now unusable),
 *       [7] '1' to bind the session to the account that got the slot,
 *       [8] account whose session binding to delete if no new one is written ('' none),
 *       [9] binding ttl ms, [10] '1' to refresh the response binding's ttl on success,
 *       [11] expected session binding, [12] expected response binding ('' none, '*' unchecked),
 *       [13] A, then per attempt: account id, slot limit.
 * Returns {index, account, marker, session, response, inUse1..inUseN, waiting1..waitingN}
 * (account: the id of the slot's account, marker: the marker as it stands afterwards):
 * index 0 = the slot already held was kept (a retried select), i = attempt i got a slot,
 * -1 = every attempt full, -2 = an expectation failed (nothing changed; marker, session and
 * response say what was found).
 */
export const SELECT_ACQUIRE_LUA = `
local now = tonumber(ARGV[1])
local ttl = tonumber(ARGV[2])
local member = ARGV[3]
local attempts = tonumber(ARGV[13])
local marker = redis.call('GET', KEYS[1]) or ''
local session = ''
local response = ''
if ARGV[11] ~= '*' then session = redis.call('GET', KEYS[2]) or '' end
if ARGV[12] ~= '*' then response = redis.call('GET', KEYS[3]) or '' end
local chosen = -2
local account = ''
local token = member
if marker == ARGV[5] and (ARGV[11] == '*' or session == ARGV[11])
    and (ARGV[12] == '*' or response == ARGV[12]) then
  chosen = -1
  if ARGV[6] ~= '' then
    local heldAccount, heldToken = string.match(marker, '^(%d+):(.*)$')
    if heldToken == nil then
      -- Written before markers named their token: the slot is the request id's.
      heldAccount = marker
      heldToken = member
    end
    local score = redis.call('ZSCORE', KEYS[4], heldToken)
    if score and tonumber(score) > now then
      if ARGV[6] == 'keep' then
        redis.call('ZADD', KEYS[4], now + ttl, heldToken)
        chosen = 0
        account = heldAccount
        token = heldToken
      else
        redis.call('ZREM', KEYS[4], heldToken)
      end
    end
  end
  if chosen < 0 then
    for i = 1, attempts do
      local key = KEYS[4 + i]
      redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
      if redis.call('ZSCORE', key, member) or redis.call('ZCARD', key) < tonumber(ARGV[14 + 2 * (i - 1) + 1]) then
        redis.call('ZADD', key, now + ttl, member)
        if redis.call('PTTL', key) < ttl then
          redis.call('PEXPIRE', key, ttl)
        end
        chosen = i
        account = ARGV[14 + 2 * (i - 1)]
        break
      end
    end
  end
  if chosen >= 0 then
    marker = account .. ':' .. token
    redis.call('SET', KEYS[1], marker, 'PX', ARGV[4])
    if ARGV[10] == '1' then
      redis.call('PEXPIRE', KEYS[3], ARGV[9])
    end
  end
  if chosen >= 0 and ARGV[7] == '1' then
    redis.call('SET', KEYS[2], account, 'PX', ARGV[9])
    session = account
  elseif ARGV[8] ~= '' and redis.call('GET', KEYS[2]) == ARGV[8] then
    -- Compare first: another replica may have rebound the session meanwhile.
    redis.call('DEL', KEYS[2])
    session = ''
  end
end
local out = {chosen, account, marker, session, response}
local after = '(' .. ARGV[1]
for i = 5 + attempts, #KEYS do
  out[#out + 1] = redis.call('ZCOUNT', KEYS[i], after, '+inf')
end
return out
`;
