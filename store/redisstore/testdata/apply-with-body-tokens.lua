-- The apply script of the version that kept the tokens of applied changes in
-- the record body ("t"), kept to test a deploy that runs it beside this one.
local cur = redis.call('HMGET', KEYS[1], 'version', 'expires', 'version', 'user', 'token_count') -- cur[1] becomes the data, read only when needed
local now = tonumber(ARGV[1])
if not cur[3] or not tonumber(cur[2] or '') or tonumber(cur[2]) <= now then return {0} end
local body, count
if ARGV[13] ~= '' and cur[3] == ARGV[13] then
	body, count = ARGV[14], tonumber(ARGV[15])
else
	cur[1] = redis.call('HGET', KEYS[1], 'data')
	if not cur[1] then return {0} end
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
	local tok = '"' .. ARGV[3] .. '"'
	local ts, te = 1, 1
	if at['"t"'] then ts, te = at['"t"'][2] + 1, at['"t"'][3] - 1 end
	if ts < te then
		local p = string.find(s, tok, ts, true)
		if p and p < te then return {3, cur[3]} end
	end
	local n = 16
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
	local oldest, most = tonumber(ARGV[5]), tonumber(ARGV[6])
	count = tonumber(cur[5] or '')
	if not count then count = ts < te and select(2, string.gsub(string.sub(s, ts, te - 1), ':', '')) or 0 end
	local cut = ts
	while cut < te do
		local c = string.find(s, ':', cut, true)
		local e = string.find(s, ',', c, true)
		if not e or e > te then e = te end
		local t = tonumber(string.sub(s, c + 1, e - 1))
		if count < most and t and t >= oldest then break end
		cut = e + 1
		count = count - 1
	end
	if cut >= te then count = 0 end
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
	if cut < te then
		put('"t":{', string.sub(s, cut, te - 1), ',', tok, ':', ARGV[4], '}')
	else
		put('"t":{', tok, ':', ARGV[4], '}')
	end
	if #flashes > 0 then put('"f":[', table.concat(flashes, ','), ']') end
	put('"v":{')
	for i, p in ipairs(vparts) do
		if i > 1 then out[#out + 1] = ',' end
		out[#out + 1] = p
	end
	out[#out + 1] = '}}'
	body, count = table.concat(out), count + 1
end
local ver = cur[3]
local i = #ver
while i > 0 and string.byte(ver, i) == 57 do i = i - 1 end
if i == 0 then ver = '1' .. string.rep('0', #ver)
else ver = string.sub(ver, 1, i - 1) .. string.char(string.byte(ver, i) + 1) .. string.rep('0', #ver - i) end
local exp, user, setp = tonumber(ARGV[2]), cur[4] or '', ARGV[7]
if exp <= now then
	redis.call('DEL', KEYS[1])
	if setp ~= '' and user ~= '' then redis.call('SREM', setp .. user, ARGV[8]) end
	return {1, ver}
end
redis.call('HSET', KEYS[1], 'data', body, 'expires', ARGV[2], 'version', ver, 'token_count', count)
redis.call('PEXPIREAT', KEYS[1], ARGV[2])
if user == '' or exp <= tonumber(cur[2]) then return {1, ver} end
if setp == '' then return {4, ver, user} end
local set = setp .. user
redis.call('SADD', set, ARGV[8])
if redis.call('PEXPIREAT', set, ARGV[2], 'NX') == 0 then
	redis.call('PEXPIREAT', set, ARGV[2], 'GT')
end
return {1, ver}
