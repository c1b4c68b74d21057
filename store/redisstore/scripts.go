package redisstore

// The Lua scripts run by Save, Touch and DeleteUser. Each works on one
// session key (KEYS[1]), so it runs on the node that owns the key's slot,
// atomically. "now" is this process's clock, passed in, so the scripts and
// Load agree on what has expired. Versions travel as decimal strings and
// are only compared, never computed in Lua, whose numbers lose precision
// above 2^53.
//
// On a single node (or a Sentinel-managed primary) Save and Touch also keep
// the user index current in the same script: the set of the user the
// record was bound to, and of the one it is bound to now, named by the
// user-set prefix they are given. The old user's set is known only inside
// the script, so it is not in KEYS: allowed outside cluster mode, where
// every key is on the one node. On a cluster the prefix is empty: the
// scripts touch the session key only and tell the client when the user's
// set needs an update, which it sends to the set's own node.

// saveLua stores a record if the stored version is the expected one.
//
//	KEYS[1]  the session key
//	KEYS[2]  the set of the record's user (single node, user set only)
//	ARGV[1]  expected version ("0": no live record may exist)
//	ARGV[2]  new version
//	ARGV[3]  data
//	ARGV[4]  expiry, unix ms
//	ARGV[5]  now, unix ms
//	ARGV[6]  user ("" for none)
//	ARGV[7]  user-set prefix ("": the client keeps the user index)
//	ARGV[8]  the session key without the store's prefix: the set member
//
// Returns 0 on a version conflict (nothing changed), 1 when saved, and 2
// when saved and the client must add the record to its user's set (empty
// user-set prefix only): the user changed, or the record now outlives what
// it did.
//
// For a record without a user, before and after, it runs the same three
// commands as a store without a user index: HMGET, HSET, PEXPIREAT.
const saveLua = `
local cur = redis.call('HMGET', KEYS[1], 'version', 'expires', 'user')
local exp = cur[2] and tonumber(cur[2])
local live = cur[1] and exp and exp > tonumber(ARGV[5])
if ARGV[1] == '0' then
	if live then return 0 end
elseif not live or cur[1] ~= ARGV[1] then
	return 0
end
local old, user, sets = cur[3] or '', ARGV[6], ARGV[7]
if tonumber(ARGV[4]) <= tonumber(ARGV[5]) then
	redis.call('DEL', KEYS[1])
	if sets ~= '' and old ~= '' then redis.call('SREM', sets .. old, ARGV[8]) end
	return 1
end
if user == '' then
	redis.call('HSET', KEYS[1], 'data', ARGV[3], 'expires', ARGV[4], 'version', ARGV[2])
	if old ~= '' then redis.call('HDEL', KEYS[1], 'user') end
else
	redis.call('HSET', KEYS[1], 'data', ARGV[3], 'expires', ARGV[4], 'version', ARGV[2], 'user', user)
end
redis.call('PEXPIREAT', KEYS[1], ARGV[4])
if sets ~= '' and old ~= '' and old ~= user then
	redis.call('SREM', sets .. old, ARGV[8])
end
if user == '' then return 1 end
if sets == '' then
	if old ~= user or not live or tonumber(ARGV[4]) > exp then return 2 end
	return 1
end
redis.call('SADD', KEYS[2], ARGV[8])
if redis.call('PEXPIREAT', KEYS[2], ARGV[4], 'NX') == 0 then
	redis.call('PEXPIREAT', KEYS[2], ARGV[4], 'GT')
end
return 1
`

// touchLua moves the expiry of a live record, leaving data and version.
//
//	KEYS[1]  the session key
//	ARGV[1]  new expiry, unix ms
//	ARGV[2]  now, unix ms
//	ARGV[3]  user-set prefix ("": the client keeps the user index)
//	ARGV[4]  the session key without the store's prefix: the set member
//
// Returns 0 when no live record exists and 1 when touched; with an empty
// user-set prefix, it returns the record's user instead of 1 when the
// record now outlives what it did, for the client to extend the user's
// set. For a record without a user it runs HMGET, HSET and PEXPIREAT.
const touchLua = `
local cur = redis.call('HMGET', KEYS[1], 'expires', 'user')
local exp = tonumber(cur[1] or '')
if not exp or exp <= tonumber(ARGV[2]) then return 0 end
local user, sets = cur[2] or '', ARGV[3]
if tonumber(ARGV[1]) <= tonumber(ARGV[2]) then
	redis.call('DEL', KEYS[1])
	if sets ~= '' and user ~= '' then redis.call('SREM', sets .. user, ARGV[4]) end
	return 1
end
redis.call('HSET', KEYS[1], 'expires', ARGV[1])
redis.call('PEXPIREAT', KEYS[1], ARGV[1])
if user == '' or tonumber(ARGV[1]) <= exp then return 1 end
if sets == '' then return user end
local set = sets .. user
redis.call('SADD', set, ARGV[4])
if redis.call('PEXPIREAT', set, ARGV[1], 'NX') == 0 then
	redis.call('PEXPIREAT', set, ARGV[1], 'GT')
end
return 1
`

// deleteUserLua deletes a record if it is bound to the given user.
//
//	KEYS[1]  the session key
//	ARGV[1]  user
//	ARGV[2]  now, unix ms
//
// Returns 0 when the record is missing or bound to another user (nothing
// changed), 1 when a live record was deleted, 2 when an expired one was.
const deleteUserLua = `
local cur = redis.call('HMGET', KEYS[1], 'user', 'expires')
if cur[1] ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
local exp = tonumber(cur[2] or '')
if exp and exp > tonumber(ARGV[2]) then return 1 end
return 2
`
