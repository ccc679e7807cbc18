/**
 * The fleet's Lua scripts: each runs atomically on the slot of its keys, so one round trip per command reads and
 * writes its shared state. Numbers cross as decimal strings; every value read back is checked by the caller.
 */

/** A script with its SHA-1, run by `EVALSHA` (falling back to `EVAL` once when the server does not know it). */
export interface Script {
  readonly name: string;
  readonly source: string;
}

/**
 * One command's sync. KEYS: state, probe, tickets, bucket, wants. ARGV:
 *  1 instance, 2 now, 3 bucketMs, 4 buckets, 5 known generation,
 *  6 intent (0 none, 1 opened here, 2 closed by this instance's probe, 3 reopened by its probe), 7 opened at,
 *  8..10 requests, errors and slow calls since the last sync,
 *  11 sleep window, 12 wants the probe (0/1), 13 probe claim ttl,
 *  14 fleet concurrency limit (0 none), 15 tickets wanted, 16 tickets in use, 17 lease ttl,
 *  18 fleet rate (tokens a second, 0 none), 19 tokens wanted, 20 tokens given back, 21 bucket capacity,
 *  22 window key base, 23 state ttl.
 * Returns { generation, opened at, probing (0/1), requests, errors, slow, tickets granted (-1 none),
 * tokens granted (-1 none), forced (0 none, 1 open, 2 closed) }.
 */
export const SYNC: Script = {
  name: 'sync',
  source: `
local inst = ARGV[1]
local now = tonumber(ARGV[2])
local bucketMs = tonumber(ARGV[3])
local buckets = tonumber(ARGV[4])
local known = tonumber(ARGV[5])
local intent = tonumber(ARGV[6])
local openedAt = tonumber(ARGV[7])
local gen = tonumber(redis.call('HGET', KEYS[1], 'gen') or '0') or 0
local open = tonumber(redis.call('HGET', KEYS[1], 'open') or '0') or 0
local forced = tonumber(redis.call('HGET', KEYS[1], 'forced') or '0') or 0
local holder = redis.call('GET', KEYS[2])
if intent == 1 then
  if open == 0 and gen == known then
    open = openedAt
    redis.call('HSET', KEYS[1], 'open', open)
  end
elseif intent == 2 then
  if holder == inst then
    gen = gen + 1
    open = 0
    redis.call('HSET', KEYS[1], 'gen', gen, 'open', 0)
    redis.call('DEL', KEYS[2])
    holder = false
  end
elseif intent == 3 then
  if holder == inst then
    open = openedAt
    redis.call('HSET', KEYS[1], 'open', open)
    redis.call('DEL', KEYS[2])
    holder = false
  end
end
redis.call('HSETNX', KEYS[1], 'gen', gen)
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[23]))
local index = math.floor(now / bucketMs)
local base = ARGV[22] .. bucketMs .. ':' .. gen .. ':'
local dr, de, ds = tonumber(ARGV[8]), tonumber(ARGV[9]), tonumber(ARGV[10])
if gen == known and (dr > 0 or de > 0 or ds > 0) then
  local key = base .. index
  redis.call('HINCRBY', key, 'r', dr)
  redis.call('HINCRBY', key, 'e', de)
  redis.call('HINCRBY', key, 's', ds)
  redis.call('PEXPIRE', key, bucketMs * (buckets + 1))
end
local r, e, s = 0, 0, 0
for i = index - buckets + 1, index do
  local v = redis.call('HMGET', base .. i, 'r', 'e', 's')
  r = r + (tonumber(v[1]) or 0)
  e = e + (tonumber(v[2]) or 0)
  s = s + (tonumber(v[3]) or 0)
end
local probing = 0
if open > 0 then
  local wants = tonumber(ARGV[12]) == 1
  local ttl = tonumber(ARGV[13])
  if holder == inst then
    -- Renewed while this instance has calls to probe with; otherwise left to expire, so that an idle holder
    -- hands the probe to another instance.
    if wants then redis.call('PEXPIRE', KEYS[2], ttl) end
    probing = 1
  elseif not holder and wants and now - open > tonumber(ARGV[11]) then
    redis.call('SET', KEYS[2], inst, 'PX', ttl)
    probing = 1
  end
end
local granted = -1
local limit = tonumber(ARGV[14])
if limit > 0 then
  local want, inUse, ttl = tonumber(ARGV[15]), tonumber(ARGV[16]), tonumber(ARGV[17])
  local held, unmet, competing, satisfied = 0, 0, 0, 0
  local all = redis.call('HGETALL', KEYS[3])
  for i = 1, #all, 2 do
    if all[i] ~= inst then
      local h, w, x = string.match(all[i + 1], '^(%d+):(%d+):(%d+)$')
      h, w, x = tonumber(h), tonumber(w), tonumber(x)
      if not x or x <= now then
        redis.call('HDEL', KEYS[3], all[i])
      else
        held = held + h
        if w > h then
          unmet = unmet + w - h
          competing = competing + 1
        else
          satisfied = satisfied + h
        end
      end
    end
  end
  local cap = limit
  -- With others wanting more than they hold, this instance takes no more than an even share of what the
  -- satisfied ones leave (they shrink to theirs in turn as they renew): no instance starves another.
  if unmet > 0 then cap = math.max(math.ceil((limit - satisfied) / (competing + 1)), limit - held - unmet) end
  granted = math.max(0, math.min(want, cap, limit - held))
  redis.call('HSET', KEYS[3], inst, math.max(granted, inUse) .. ':' .. want .. ':' .. (now + ttl))
  redis.call('PEXPIRE', KEYS[3], ttl * 2)
end
local tokens = -1
local rate = tonumber(ARGV[18])
if rate > 0 then
  local want, back, capacity, ttl = tonumber(ARGV[19]), tonumber(ARGV[20]), tonumber(ARGV[21]), tonumber(ARGV[17])
  local level = tonumber(redis.call('HGET', KEYS[4], 'level') or '')
  local last = tonumber(redis.call('HGET', KEYS[4], 'last') or '')
  if not level or not last then
    level = capacity
    last = now
  end
  if now > last then
    level = level + (now - last) * rate / 1000
    last = now
  end
  level = math.min(capacity, level + back)
  local others = 0
  local all = redis.call('HGETALL', KEYS[5])
  for i = 1, #all, 2 do
    if all[i] ~= inst then
      local w, x = string.match(all[i + 1], '^(%d+):(%d+)$')
      w, x = tonumber(w), tonumber(x)
      if not x or x <= now then
        redis.call('HDEL', KEYS[5], all[i])
      else
        others = others + w
      end
    end
  end
  local share = want
  if want + others > capacity then share = math.ceil(capacity * want / (want + others)) end
  tokens = math.max(0, math.min(want, share, math.floor(level)))
  level = level - tokens
  redis.call('HSET', KEYS[4], 'level', tostring(level), 'last', last)
  redis.call('PEXPIRE', KEYS[4], ttl * 2 + math.ceil(capacity * 1000 / rate))
  redis.call('HSET', KEYS[5], inst, want .. ':' .. (now + ttl))
  redis.call('PEXPIRE', KEYS[5], ttl * 2)
end
return { gen, open, probing, r, e, s, granted, tokens, forced }
`,
};

/**
 * The instance's heartbeat. KEYS: live. ARGV: 1 instance, 2 now, 3 live ttl, 4 snapshot key ('' for none),
 * 5 snapshot, 6 snapshot ttl. Returns the number of live instances.
 */
export const BEAT: Script = {
  name: 'beat',
  source: `
local now = tonumber(ARGV[2])
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[3]))
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]) * 2)
if ARGV[4] ~= '' then
  redis.call('SET', ARGV[4], ARGV[5], 'PX', tonumber(ARGV[6]))
end
return redis.call('ZCARD', KEYS[1])
`,
};

/**
 * The live instances' stream snapshots. KEYS: live. ARGV: 1 now, 2 live ttl, 3 snapshot key base, 4 the most to
 * read. Returns the snapshots found.
 */
export const SNAPSHOTS: Script = {
  name: 'snapshots',
  source: `
local live = redis.call('ZRANGEBYSCORE', KEYS[1], tonumber(ARGV[1]) - tonumber(ARGV[2]), '+inf', 'LIMIT', 0, tonumber(ARGV[4]))
local out = {}
for i = 1, #live do
  local v = redis.call('GET', ARGV[3] .. live[i])
  if v then out[#out + 1] = v end
end
return out
`,
};

/**
 * An instance leaves one command: its probe, its leases and its wants are given back. KEYS: probe, tickets,
 * wants. ARGV: 1 instance.
 */
export const LEAVE_COMMAND: Script = {
  name: 'leave-command',
  source: `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
return 1
`,
};

/** An instance leaves the fleet. KEYS: live. ARGV: 1 instance, 2 snapshot key ('' for none). */
export const LEAVE_FLEET: Script = {
  name: 'leave-fleet',
  source: `
redis.call('ZREM', KEYS[1], ARGV[1])
if ARGV[2] ~= '' then redis.call('DEL', ARGV[2]) end
return 1
`,
};

/** Forces a command fleet-wide. KEYS: state. ARGV: 1 forced (0 none, 1 open, 2 closed), 2 state ttl. */
export const FORCE: Script = {
  name: 'force',
  source: `
redis.call('HSET', KEYS[1], 'forced', tonumber(ARGV[1]))
redis.call('HSETNX', KEYS[1], 'gen', 0)
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]))
return 1
`,
};
