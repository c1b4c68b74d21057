package redisstore

// The Lua scripts run by Save and Touch. Each touches one key (KEYS[1]),
// so it runs on the node that owns the key's slot, atomically. "now" is
// this process's clock, passed in, so the scripts and Load agree on what
// has expired. Versions travel as decimal strings and are only compared,
// never computed in Lua, whose numbers lose precision above 2^53.

// saveLua stores a record if the stored version is the expected one.
//
//	KEYS[1]  the session key
//	ARGV[1]  expected version ("0": no live record may exist)
//	ARGV[2]  new version
//	ARGV[3]  data
//	ARGV[4]  expiry, unix ms
//	ARGV[5]  now, unix ms
//
// Returns 1 when saved, 0 on a version conflict (nothing changed).
const saveLua = `
local cur = redis.call('HMGET', KEYS[1], 'version', 'expires')
local exp = cur[2] and tonumber(cur[2])
local live = cur[1] and exp and exp > tonumber(ARGV[5])
if ARGV[1] == '0' then
	if live then return 0 end
elseif not live or cur[1] ~= ARGV[1] then
	return 0
end
if tonumber(ARGV[4]) <= tonumber(ARGV[5]) then
	redis.call('DEL', KEYS[1])
	return 1
end
redis.call('HSET', KEYS[1], 'data', ARGV[3], 'expires', ARGV[4], 'version', ARGV[2])
redis.call('PEXPIREAT', KEYS[1], ARGV[4])
return 1
`

// touchLua moves the expiry of a live record, leaving data and version.
//
//	KEYS[1]  the session key
//	ARGV[1]  new expiry, unix ms
//	ARGV[2]  now, unix ms
//
// Returns 1 when touched, 0 when no live record exists.
const touchLua = `
local exp = tonumber(redis.call('HGET', KEYS[1], 'expires') or '')
if not exp or exp <= tonumber(ARGV[2]) then return 0 end
if tonumber(ARGV[1]) <= tonumber(ARGV[2]) then
	redis.call('DEL', KEYS[1])
	return 1
end
redis.call('HSET', KEYS[1], 'expires', ARGV[1])
redis.call('PEXPIREAT', KEYS[1], ARGV[1])
return 1
`
