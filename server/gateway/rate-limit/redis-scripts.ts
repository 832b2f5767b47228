/**
 * The Redis side of the shared limiter: three Lua scripts, each one atomic round trip. They use Redis's
 * clock (TIME), so replicas with skewed clocks still share one window. Times are integer microseconds,
 * written with %.0f so no digit is lost. The algorithms are those of memory-limiter.ts, line for line.
 *
 * admit  KEYS: one counter per check. ARGV: lease id, lease ttl (ms), estimated tokens, then kind and limit per check.
 *        Returns {all allowed (0/1), then per check: allowed, remaining, reset ms, retry-after ms}. Nothing is
 *        written unless every check admits (expired concurrency leases are dropped either way).
 * settle KEYS: the same counters. ARGV: lease id, estimated tokens, actual tokens, then kind and limit per check.
 * extend KEYS: concurrency counters. ARGV: lease ttl (ms), then the lease id per counter (heartbeat of live leases).
 */
export const ADMIT_SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local lease, ttl, estimate = ARGV[1], tonumber(ARGV[2]) * 1000, tonumber(ARGV[3])
local window = 60000000
local out, writes, all = {0}, {}, 1
for i = 1, #KEYS do
  local kind, limit, key = ARGV[2 + 2 * i], tonumber(ARGV[3 + 2 * i]), KEYS[i]
  local allowed, remaining, reset, retry
  if kind == 'concurrency' then
    redis.call('ZREMRANGEBYSCORE', key, '-inf', string.format('%.0f', now))
    local used = redis.call('ZCARD', key)
    allowed = used < limit
    remaining = limit - used
    if allowed then remaining = remaining - 1 end
    remaining = math.max(0, remaining)
    reset, retry = 0, 1000
    if allowed then retry = 0 end
    writes[i] = {'zadd', now + ttl}
  else
    local cost = 1
    if kind == 'tpm' then cost = estimate end
    local tat = tonumber(redis.call('GET', key) or '0')
    if tat < now then tat = now end
    local nxt = tat + math.floor(cost * window / limit)
    local allow_at = tat + math.floor(math.min(cost, limit) * window / limit) - window
    allowed = allow_at <= now
    local held = tat
    if allowed then held = nxt end
    remaining = math.max(0, math.floor((now + window - held) * limit / window))
    reset = math.max(0, math.ceil((held - now) / 1000))
    retry = 0
    if not allowed then retry = math.ceil((allow_at - now) / 1000) end
    writes[i] = {'set', nxt}
  end
  if not allowed then all = 0 end
  local flag = 0
  if allowed then flag = 1 end
  table.insert(out, flag)
  table.insert(out, remaining)
  table.insert(out, reset)
  table.insert(out, retry)
end
if all == 1 then
  for i = 1, #KEYS do
    local write = writes[i]
    if write[1] == 'zadd' then
      redis.call('ZADD', KEYS[i], string.format('%.0f', write[2]), lease)
      redis.call('PEXPIRE', KEYS[i], math.floor(ttl / 500))
    else
      redis.call('SET', KEYS[i], string.format('%.0f', write[2]), 'PX', math.max(1, math.ceil((write[2] - now) / 1000)) + 1000)
    end
  end
end
out[1] = all
return out
`;

export const SETTLE_SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local lease, estimate, actual = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local window = 60000000
for i = 1, #KEYS do
  local kind, limit, key = ARGV[2 + 2 * i], tonumber(ARGV[3 + 2 * i]), KEYS[i]
  if kind == 'concurrency' then
    redis.call('ZREM', key, lease)
  elseif kind == 'tpm' and actual ~= estimate then
    local tat = tonumber(redis.call('GET', key) or '0')
    if tat < now then tat = now end
    local delta = actual - estimate
    local corrected
    if delta > 0 then corrected = tat + math.floor(delta * window / limit) else corrected = tat - math.floor(-delta * window / limit) end
    if corrected <= now then
      redis.call('DEL', key)
    else
      redis.call('SET', key, string.format('%.0f', corrected), 'PX', math.ceil((corrected - now) / 1000) + 1000)
    end
  end
end
return 1
`;

export const EXTEND_SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local ttl = tonumber(ARGV[1]) * 1000
for i = 1, #KEYS do
  redis.call('ZADD', KEYS[i], 'XX', string.format('%.0f', now + ttl), ARGV[1 + i])
  redis.call('PEXPIRE', KEYS[i], math.floor(ttl / 500))
end
return 1
`;
