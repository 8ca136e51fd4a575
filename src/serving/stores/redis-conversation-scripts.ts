// Lua scripts of the Redis conversation store. Each runs atomically on the server, so the
// conversation, its expiry and the set of active ids always change together. Expiry scores are the
// server's own clock (TIME), so replicas with skewed clocks agree.
//
// Keys: a hash per conversation {doc: JSON, version: n}; a sorted set of active ids scored by the
// millisecond their conversation expires; a string per lock holding its owner's token.

const NOW_MS = `local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)`;

/** Sets the expiry and active-set membership: ARGV ttl (ms), id, '1' when active. */
const TOUCH = (ttl: string, id: string, active: string) => `${NOW_MS}
redis.call('PEXPIRE', KEYS[1], ${ttl})
if ${active} == '1' then
  redis.call('ZADD', KEYS[2], now + tonumber(${ttl}), ${id})
else
  redis.call('ZREM', KEYS[2], ${id})
end`;

/** KEYS conversation, active; ARGV doc, ttlMs, id, active. Returns 1, or 0 when the id is taken. */
export const CREATE_SCRIPT = `if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'doc', ARGV[1], 'version', 1)
${TOUCH('ARGV[2]', 'ARGV[3]', 'ARGV[4]')}
return 1`;

/**
 * Compare-and-set on the version. KEYS conversation, active; ARGV expected version, doc, ttlMs, id,
 * active. Returns 1 when written, 0 when another update won, -1 when the conversation is gone.
 */
export const UPDATE_SCRIPT = `local version = redis.call('HGET', KEYS[1], 'version')
if not version then return -1 end
if version ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'doc', ARGV[2], 'version', tonumber(ARGV[1]) + 1)
${TOUCH('ARGV[3]', 'ARGV[4]', 'ARGV[5]')}
return 1`;

/** KEYS conversation, active; ARGV id. Returns the number of conversations removed (0 or 1). */
export const DELETE_SCRIPT = `local removed = redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return removed`;

/** KEYS active. Drops ids whose conversation has expired and returns how many remain. */
export const COUNT_ACTIVE_SCRIPT = `${NOW_MS}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
return redis.call('ZCARD', KEYS[1])`;

/** KEYS lock; ARGV token. Deletes the lock only when the caller still holds it. */
export const RELEASE_LOCK_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;
