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
// It leaves the tokens of applied changes (tokens, older_tokens) alone, and
// drops token_count, the count of the body's tokens that the apply script
// of earlier versions kept, so such a script, during a deploy, counts the
// tokens this save wrote.
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
	redis.call('HDEL', KEYS[1], 'user', 'token_count')
else
	redis.call('HSET', KEYS[1], 'data', ARGV[3], 'expires', ARGV[4], 'version', ARGV[2], 'user', user)
	redis.call('HDEL', KEYS[1], 'token_count')
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

// applyLua applies a session.Change to the record's body, as text.
//
//	KEYS[1]  the session key
//	ARGV[1]  now, unix ms          ARGV[2]  new expiry, unix ms
//	ARGV[3]  the token's entry: its digest (8 bytes) and now (4 bytes)
//	ARGV[4]  now, unix seconds
//	ARGV[5]  oldest token kept, unix seconds
//	ARGV[6]  most tokens kept      ARGV[7]  user-set prefix
//	ARGV[8]  the session key without the store's prefix: the set member
//	ARGV[9]  permanent: "", "true" or "false"
//	ARGV[10] "1" to clear values and flashes
//	ARGV[11] flashes taken         ARGV[12] flashes added, JSON array items
//	then the count of sets and each key (JSON string) and value; the count
//	of deletes and each key; the count of expectations and each key,
//	"1" or "0" (present or missing) and value.
//
// The tokens of the changes applied are kept beside the body, so that
// loads (HMGET of the other fields) never carry them: 12 bytes each, the
// token's digest (8 bytes) and the Unix second it was applied (4 bytes,
// big-endian), made by Apply, oldest first. The newest, at most 8, are in
// the hash's tokens field; when it holds 8, the next change moves them to
// the end of older_tokens, dropping from its front what is older than
// ARGV[5] or more than ARGV[6] - 1, and starts tokens again. So a change
// reads and writes under 100 bytes of tokens, and older_tokens only one
// time in 8; the record keeps the newest ARGV[6] tokens and at most 7
// more. When the oldest of the newest tokens is older than ARGV[5], the
// older ones are too: they all go, without reading them. The check for a
// duplicate is a plain search for the digest at a multiple of 12, in
// tokens and then in older_tokens. Save leaves both fields alone, so a
// change delivered again after a save is still known. Every string a Lua
// script makes costs a copy, a hash and garbage to collect, so the script
// makes as few as it can: the client makes each entry (measured: packing
// the time in the script cost more than the rest of the tokens'
// handling). The body's own tokens ("t") are those of compare-and-set
// saves, which the Manager reads back: the script copies them as they
// stand. Values are located by their offsets in the body and copied once
// into the new body.
//
// A change the client merged into the record it loaded goes first to
// applyLoadedLua, which stores the client's body; this script edits the
// body itself when another write came first, and for changes with nothing
// loaded.
//
// The values are the body's last member, as every version writes it, so
// the top level is read up to them. When no value is an object or an
// array (no bracket anywhere in them, strings included) and every key the
// change touches starts with a letter, digit or underscore, each key is
// found by one plain search for ',"key":' (or at the start): no other
// text can match, since a string cannot hold an unescaped quote and no
// value nests. A key not found that the change sets, or whose quoted text
// appears elsewhere, sends the script to the walk: the values are walked
// once, runs of untouched members copied as they stand, changed keys
// replaced in place, new keys put in their sorted places.
//
// Returns {0} when no live record exists; {1, version} when applied;
// {2, data, expires, version, user} when an expectation failed or the
// record was renewed (nothing changed); {3, version} when the record
// already carries the token (nothing changed); {4, version, user} when
// applied and the client must extend the user's set (empty prefix only).
// The version is incremented as a decimal string.
const applyLua = `
local cur = redis.call('HMGET', KEYS[1], 'version', 'expires', 'version', 'user', 'tokens') -- cur[1] becomes the data, read only when needed
local now = tonumber(ARGV[1])
if not cur[3] or not tonumber(cur[2] or '') or tonumber(cur[2]) <= now then return {0} end
local tok = string.sub(ARGV[3], 1, 8)
local function entries(s) -- s, or '' when this script did not write it
	if not s or #s % 12 ~= 0 then return '' end
	return s
end
local function has(s)
	local p = string.find(s, tok, 1, true)
	while p and (p - 1) % 12 ~= 0 do p = string.find(s, tok, p + 1, true) end
	return p ~= nil
end
local toks, older = entries(cur[5]), nil -- older: older_tokens, read only when needed
local body
do
	if has(toks) then return {3, cur[3]} end
	local d = redis.call('HMGET', KEYS[1], 'data', 'older_tokens')
	cur[1], older = d[1], entries(d[2])
	if not cur[1] then return {0} end
	if has(older) then return {3, cur[3]} end
	local s = cur[1]
	local function bad() return error('malformed session record body') end
	local function str(i)
		local j = i + 1
		while true do
			local k = string.find(s, '["\\]', j)
			if not k then bad() end
			if string.byte(s, k) == 34 then return k + 1 end
			j = k + 2
		end
	end
	local function val(i)
		local c = string.byte(s, i)
		if c == 34 then return str(i) end
		if c == 123 or c == 91 then
			local d, j = 0, i
			while true do
				local k = string.find(s, '[%[%]{}"]', j)
				if not k then bad() end
				local b = string.byte(s, k)
				if b == 34 then j = str(k) else
					if b == 123 or b == 91 then d = d + 1 else d = d - 1 end
					j = k + 1
					if d == 0 then return j end
				end
			end
		end
		return string.find(s, '[%s,}%]]', i) or (#s + 1)
	end
	local function skip(i) return string.find(s, '%S', i) or bad() end
	local function members(i, obj, top)
		local out, close = {}, obj and 125 or 93
		i = skip(i + 1)
		if string.byte(s, i) == close then return out end
		while true do
			local k
			if obj then
				local ke = str(i)
				k = string.sub(s, i, ke - 1)
				i = skip(skip(ke) + 1)
			end
			local ve
			if top and k == '"t"' then ve = (string.find(s, '}', i, true) or bad()) + 1
			elseif top and k == '"v"' and string.byte(s, #s) == 125 then ve = #s
			else ve = val(i) end
			out[#out + 1] = {k, i, ve}
			i = skip(ve)
			if string.byte(s, i) == close then return out end
			i = skip(i + 1)
		end
	end
	local function text(m) return string.sub(s, m[2], m[3] - 1) end
	local top = members(skip(1), true, true)
	local at = {}
	for _, m in ipairs(top) do at[m[1]] = m end
	local function conflict() return {2, s, cur[2], cur[3], cur[4] or ''} end
	if at['"m"'] then return conflict() end
	local n = 13
	local sets = tonumber(ARGV[n]); local setAt = n + 1; n = n + 1 + 2 * sets
	local dels = tonumber(ARGV[n]); local delAt = n + 1; n = n + 1 + dels
	local exps = tonumber(ARGV[n]); n = n + 1
	local change, expected, found, touched = {}, {}, {}, {}
	for i = 0, dels - 1 do change[ARGV[delAt + i]] = false; touched[ARGV[delAt + i]] = true end
	for i = 0, sets - 1 do change[ARGV[setAt + 2 * i]] = ARGV[setAt + 2 * i + 1]; touched[ARGV[setAt + 2 * i]] = true end
	for i = 0, exps - 1 do expected[ARGV[n + 3 * i]] = true; touched[ARGV[n + 3 * i]] = true end
	-- less orders quoted keys by the bytes between their quotes, as the
	-- Manager sorts keys (Lua's own < follows the server's locale).
	local function less(a, b)
		for i = 2, math.min(#a, #b) - 1 do
			local x, y = string.byte(a, i), string.byte(b, i)
			if x ~= y then return x < y end
		end
		return #a < #b
	end
	local pending = {}
	for k, c in pairs(change) do if c then pending[#pending + 1] = k end end
	table.sort(pending, less)
	local vparts = {}
	local quick = false
	if ARGV[10] ~= '1' and at['"v"'] then
		local vi = at['"v"'][2]
		quick = at['"v"'][3] == #s and not string.find(s, '{', vi + 1, true) and not string.find(s, '[', vi + 1, true)
		local hits = {}
		if quick then
			for k in pairs(touched) do
				local ms
				if not string.find(k, '^"[%w_]') then quick = false; break end
				if string.sub(s, vi + 1, vi + #k + 1) == k .. ':' then ms = vi + 1 else
					ms = string.find(s, ',' .. k .. ':', vi, true)
					ms = ms and ms + 1
				end
				if ms then
					local vs = ms + #k + 1
					hits[#hits + 1] = {ms, val(vs), k, vs}
				elseif change[k] or string.find(s, k, vi, true) then
					quick = false; break
				end
			end
		end
		if quick then
			table.sort(hits, function(a, b) return a[1] < b[1] end)
			local pos = vi + 1
			local function run(e)
				local b = pos
				if string.byte(s, b) == 44 then b = b + 1 end
				if e >= b and string.byte(s, e) == 44 then e = e - 1 end
				if e >= b then vparts[#vparts + 1] = string.sub(s, b, e) end
			end
			for _, h in ipairs(hits) do
				local k = h[3]
				if expected[k] then found[k] = string.sub(s, h[4], h[2] - 1) end
				local c = change[k]
				if c ~= nil then
					run(h[1] - 1)
					if c then vparts[#vparts + 1] = k .. ':' .. c end
					change[k] = false
					pos = h[2]
				end
			end
			run(#s - 2)
		end
	end
	if not quick and ARGV[10] ~= '1' and at['"v"'] then
		local i, run, runEnd = skip(at['"v"'][2] + 1), nil, nil
		if string.byte(s, i) ~= 125 then
			while true do
				local k, vs, vend
				local _, colon = string.find(s, '^"[^"\\]*":', i)
				if colon then
					k, vs = string.sub(s, i, colon - 1), colon + 1
				else
					local ke = str(i)
					k, vs = string.sub(s, i, ke - 1), skip(skip(ke) + 1)
				end
				local c = string.byte(s, vs)
				if c == 34 then
					local _, e = string.find(s, '^"[^"\\]*"', vs)
					vend = e and e + 1 or str(vs)
				else
					vend = val(vs)
				end
				if expected[k] then found[k] = string.sub(s, vs, vend - 1) end
				while pending[1] and less(pending[1], k) do
					local p = table.remove(pending, 1)
					if change[p] then
						if run then vparts[#vparts + 1] = string.sub(s, run, runEnd); run = nil end
						vparts[#vparts + 1] = p .. ':' .. change[p]
						change[p] = false
					end
				end
				local c = change[k]
				if c == nil then
					run = run or i
					runEnd = vend - 1
				else
					if run then vparts[#vparts + 1] = string.sub(s, run, runEnd); run = nil end
					if c then vparts[#vparts + 1] = k .. ':' .. c end
					change[k] = false
				end
				local b = string.byte(s, vend)
				if b == 44 and string.byte(s, vend + 1) == 34 then
					i = vend + 1
				else
					i = skip(vend)
					if string.byte(s, i) == 125 then break end
					i = skip(i + 1)
				end
			end
			if run then vparts[#vparts + 1] = string.sub(s, run, runEnd) end
		end
	end
	for i = 0, exps - 1 do
		local k, present, v = ARGV[n + 3 * i], ARGV[n + 3 * i + 1], ARGV[n + 3 * i + 2]
		if present == '1' then
			if found[k] ~= v then return conflict() end
		elseif found[k] ~= nil then
			return conflict()
		end
	end
	for _, k in ipairs(pending) do
		if change[k] then vparts[#vparts + 1] = k .. ':' .. change[k]; change[k] = false end
	end
	local flashes = {}
	if ARGV[10] ~= '1' and at['"f"'] then
		local fl = members(at['"f"'][2], false)
		for i = tonumber(ARGV[11]) + 1, #fl do flashes[#flashes + 1] = text(fl[i]) end
	end
	if ARGV[12] ~= '' then flashes[#flashes + 1] = ARGV[12] end
	local out = {'{'}
	local function put(...)
		if #out > 1 then out[#out + 1] = ',' end
		for _, p in ipairs({...}) do out[#out + 1] = p end
	end
	for _, m in ipairs(top) do
		local k = m[1]
		if k == '"i"' then
			put('"i":', ARGV[4])
		elseif k == '"p"' then
			if ARGV[9] == '' and text(m) == 'true' then put('"p":true') end
		elseif k ~= '"t"' and k ~= '"f"' and k ~= '"v"' then
			put(k, ':', text(m))
		end
	end
	if ARGV[9] == 'true' then put('"p":true') end
	if at['"t"'] and text(at['"t"']) ~= '{}' then put('"t":', text(at['"t"'])) end
	if #flashes > 0 then put('"f":[', table.concat(flashes, ','), ']') end
	put('"v":{')
	for i, p in ipairs(vparts) do
		if i > 1 then out[#out + 1] = ',' end
		out[#out + 1] = p
	end
	out[#out + 1] = '}}'
	body = table.concat(out)
end
local ver = cur[3]
local i = #ver
while i > 0 and string.byte(ver, i) == 57 do i = i - 1 end
if i == 0 then ver = '1' .. string.rep('0', #ver)
else ver = string.sub(ver, 1, i - 1) .. string.char(string.byte(ver, i) + 1) .. string.rep('0', #ver - i) end
local user, had, expires, entry, setp, member = cur[4] or '', tonumber(cur[2]), ARGV[2], ARGV[3], ARGV[7], ARGV[8]
local oldest, most, applied = tonumber(ARGV[5]), tonumber(ARGV[6]), {1, ver}
` + storeLua

// applyLoadedLua stores the body the client made by merging a change into
// the record it loaded, when the record is still at that version: no other
// write came between, so the change applies to the very body the client
// merged it into. Nor can the record carry the change's token yet, as
// applying the change moved the version on: the script does not search
// for it, and stores it as applyLua does, with the same rules for the
// tokens and the user's set. Otherwise it changes nothing and says so, and
// the client sends the change to applyLua, which merges it into the body
// stored now.
//
//	KEYS[1]  the session key
//	ARGV[1]  the version the client merged the change into
//	ARGV[2]  the version after it, which the client counts
//	ARGV[3]  now, unix ms          ARGV[4]  new expiry, unix ms
//	ARGV[5]  the token's entry (see applyLua)
//	ARGV[6]  oldest token kept, unix seconds
//	ARGV[7]  most tokens kept      ARGV[8]  user-set prefix
//	ARGV[9]  the session key without the store's prefix: the set member
//	ARGV[10] the body the client made
//
// Returns 0 when no live record exists; 5 when applied; 6 when the record
// is at another version (nothing changed); {4, version, user} when applied
// and the client must extend the user's set (empty prefix only). Every
// argument, table and string costs Redis's one thread, which every request
// waits for: this script takes ten arguments where applyLua takes at least
// fifteen, answers with integers, and makes one function. Counted by
// callgrind on redis-server 7.0, it runs in about 71,000 instructions a
// call where applyLua's path for a loaded record took 97,000 (90,000 once
// it answered with an integer), and a plain compare-and-set of the whole
// body with no tokens 56,000.
const applyLoadedLua = `
local cur = redis.call('HMGET', KEYS[1], 'version', 'expires', 'user', 'tokens')
local now, had = tonumber(ARGV[3]), tonumber(cur[2] or '')
if not cur[1] or not had or had <= now then return 0 end
if cur[1] ~= ARGV[1] then return 6 end
local toks, older = cur[4] or '', nil
if #toks % 12 ~= 0 then toks = '' end
local user, body, ver, expires, entry, setp, member = cur[3] or '', ARGV[10], ARGV[2], ARGV[4], ARGV[5], ARGV[8], ARGV[9]
local oldest, most, applied = tonumber(ARGV[6]), tonumber(ARGV[7]), 5
` + storeLua

// storeLua ends both apply scripts: it stores body as the record's data
// at version ver with the change's token entry among the newest tokens,
// moving or dropping older ones as applyLua describes, sets the record's
// expiry, and keeps the user's set; or deletes the record when its new
// expiry has passed. It answers applied, or {4, ver, user} when the client
// must extend the user's set (empty prefix only). The script before it
// sets these locals: now and had (the stored expiry), unix ms; user, the
// record's user or ""; toks, the newest tokens; older, older_tokens when
// read (nil when not, empty when they all go); body and ver; expires (unix
// ms) and entry, as arguments; oldest and most; setp, the user-set prefix,
// and member, the set member; and applied.
const storeLua = `
local exp = tonumber(expires)
if exp <= now then
	redis.call('DEL', KEYS[1])
	if setp ~= '' and user ~= '' then redis.call('SREM', setp .. user, member) end
	return applied
end
local function stale(s, i) -- whether entry i (from 0) of s is older than oldest
	local a, b, c, d = string.byte(s, 12 * i + 9, 12 * i + 12)
	return ((a * 256 + b) * 256 + c) * 256 + d < oldest
end
local first, moved = 0, nil -- moved: older_tokens' new value, when it changes
while first < #toks / 12 and stale(toks, first) do first = first + 1 end
if first > 0 then toks, older, moved = string.sub(toks, 12 * first + 1), '', '' end
if #toks / 12 >= math.min(8, most) then
	if not older then
		older = redis.call('HGET', KEYS[1], 'older_tokens') or ''
		if #older % 12 ~= 0 then older = '' end
	end
	older = older .. toks
	local n = #older / 12
	first = math.max(n - (most - 1), 0)
	while first < n and stale(older, first) do first = first + 1 end
	moved, toks = string.sub(older, 12 * first + 1), ''
end
toks = toks .. entry
if moved then
	redis.call('HSET', KEYS[1], 'data', body, 'expires', expires, 'version', ver, 'tokens', toks, 'older_tokens', moved)
else
	redis.call('HSET', KEYS[1], 'data', body, 'expires', expires, 'version', ver, 'tokens', toks)
end
redis.call('PEXPIREAT', KEYS[1], expires)
if user == '' or exp <= had then return applied end
if setp == '' then return {4, ver, user} end
local set = setp .. user
redis.call('SADD', set, member)
if redis.call('PEXPIREAT', set, expires, 'NX') == 0 then
	redis.call('PEXPIREAT', set, expires, 'GT')
end
return applied
`
