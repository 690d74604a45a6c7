-- A seeded fuzzer of procsh's Lua bindings.
--
--   procsh --sandbox Tests/reliability/fuzz/bindings_fuzz.lua [iterations=10000] [seed=1]
--
-- Every function of the binding tables (jobruns, processruns, processes, json,
-- log, procsh, sandbox), found at run time so that new ones are covered, is
-- called through pcall with generated arguments: plausible ones (job specs,
-- ids, options, process definitions, run trees, JSON texts) and mutations of
-- them, and hostile ones (wrong types, nil holes, huge strings, deep nesting,
-- cycles, NaN, +-inf, math.mininteger, -0.0, NULs, invalid UTF-8, functions,
-- coroutines, userdata, procsh.null, json.array{}, tables whose metamethods
-- raise or return garbage).
--
-- The invariant: a call either returns a result of a sensible type, or raises
-- a procsh error table (procsh.iserror(e), non-empty string kind and message,
-- ...). Errors raised by the fuzzer's own hostile metamethods and functions
-- are the unique SENTINEL table and may come back unchanged (rawequal).
-- Anything else is a finding: a plain string error, another error value, a
-- wrong result type, a hang, an API error of the sandbox (5xx, transport)
-- while no fault is injected, a json.decode that disagrees with a reference
-- RFC 8259 parser, a JSON round trip that does not give the value back, or
-- the fast (C) and the Swift json.encode paths writing different text.
-- Findings caused by a metamethod that returns garbage (rather than raising
-- the sentinel) are tagged "[garbage metamethod]" and reported, not counted:
-- Lua complaining about the script's own metamethod; differential JSON findings
-- say whether non-ASCII keys or text are involved.
--
-- A watchdog (a count hook, also installed in every coroutine through
-- wrappers of coroutine.create and coroutine.wrap while the fuzzer runs)
-- stops a call whose Lua code runs for more than 10 s of CPU or grows Lua's
-- memory by more than 256 MB. Calls that would end or stall this process
-- (procsh.sleep with a huge number, an accepted sandbox latency fault, a
-- failing json.encode with the Lua stack nearly full) run at the end in a
-- child procsh, so that a crash there is reported instead of ending the run;
-- in the run itself procsh.sleep only gets tiny or invalid values, log.*
-- short messages, and every accepted sandbox.faults spec is undone at once.
--
-- Each finding is printed once, as it is found; the run ends with
--   bindings fuzz: N calls, M errors (all typed), K findings (and G caused by the fuzzer's garbage metamethods)
-- and exit status 0 when K is 0 (and the fuzzer had no internal error),
-- else 1. Environment: FUZZ_VERBOSE=1 prints progress and CPU per function,
-- FUZZ_TRACE=1 each call on stderr before it is made, FUZZ_PROBES=0 skips
-- the child processes.

assert(sandbox, "run the fuzzer with procsh --sandbox")

local ITERATIONS = math.tointeger(tonumber(arg[1] or "")) or 10000
local SEED = math.tointeger(tonumber(arg[2] or "")) or 1
local VERBOSE = (os.getenv("FUZZ_VERBOSE") or "") ~= ""
local PROBES = os.getenv("FUZZ_PROBES") ~= "0"
local TRACE = (os.getenv("FUZZ_TRACE") or "") ~= ""  -- each call on stderr before it is made

math.randomseed(SEED)

---------------------------------------------------------------------------
-- What the fuzzer relies on, saved before any binding is called.
---------------------------------------------------------------------------

local pcall, type, pairs, next, rawget, rawset, rawequal, rawlen =
  pcall, type, pairs, next, rawget, rawset, rawequal, rawlen
local setmetatable, getmetatable = setmetatable, debug.getmetatable
local tostring, tonumber, format, concat = tostring, tonumber, string.format, table.concat
local mtype = math.type
local realprint = print
local write = io.write

local MODULE_NAMES = { "jobruns", "processruns", "processes", "json", "log", "procsh", "sandbox" }
local MOD = {}
for _, m in ipairs(MODULE_NAMES) do MOD[m] = _G[m] end
local NULL = procsh.null
local iserror = procsh.iserror
local json_encode, json_decode, json_array = json.encode, json.decode, json.array
local real_reset, real_faults = sandbox.reset, sandbox.faults
local processruns_get = processruns.get
local sendTask, contentRequest = jobruns.sendTask, jobruns.contentRequest
local ARRAY_MT = getmetatable(json_array {})
local LAZY = { inspect = procsh.inspect, help = procsh.help }  -- the lazy stand-ins

-- Every function of every module, in a stable order.
local FUNCS = {}
for _, m in ipairs(MODULE_NAMES) do
  local t = MOD[m]
  if type(t) == "table" then
    local names = {}
    for k, v in pairs(t) do
      if type(k) == "string" and type(v) == "function" then names[#names + 1] = k end
    end
    table.sort(names)
    for _, k in ipairs(names) do FUNCS[#FUNCS + 1] = { module = m, key = k, name = m .. "." .. k } end
  end
end

local SENTINEL = setmetatable({}, { __name = "fuzz sentinel" })  -- what hostile code raises
local HANG = setmetatable({}, { __name = "fuzz hang" })          -- what the watchdog raises
local MEMORY = setmetatable({}, { __name = "fuzz memory" })      -- ... and this for runaway memory

---------------------------------------------------------------------------
-- Random helpers.
---------------------------------------------------------------------------

local R = math.random
local function chance(p) return R() < p end
local function pick(t) return t[R(#t)] end

-- Labels of generated tables, functions and threads, for finding reports.
local LABEL = setmetatable({}, { __mode = "k" })
local function label(v, text)
  LABEL[v] = text
  return v
end

-- Set while generating one call's arguments when anything returns garbage
-- (instead of raising the sentinel).
local garbage = false
-- Set when an argument holds a huge string (the sandbox is reset afterwards).
local bigused = false

---------------------------------------------------------------------------
-- Describing values without running any of their metamethods.
---------------------------------------------------------------------------

local describe

local function describe_number(v)
  if v ~= v then return "0/0" end
  if v == math.huge then return "math.huge" end
  if v == -math.huge then return "-math.huge" end
  if v == math.mininteger and mtype(v) == "integer" then return "math.mininteger" end
  if v == math.maxinteger and mtype(v) == "integer" then return "math.maxinteger" end
  if mtype(v) == "float" then
    if v == 0 and 1 / v < 0 then return "-0.0" end
    local s = format("%.17g", v)
    if not s:find("[.e]") then s = s .. ".0" end
    return s
  end
  return tostring(v)
end

local function describe_string(s)
  local shown = #s > 48 and s:sub(1, 24) or s
  local q = format("%q", shown):gsub("\\\n", "\\n"):gsub("\r", "\\r")
  if not utf8.len(q) then  -- keep the report valid UTF-8
    q = q:gsub("[\128-\255]", function(c) return format("\\x%02x", c:byte()) end)
  end
  if #s > 48 then return format("%s..(%d bytes)", q:sub(1, -2), #s) end
  return q
end

function describe(v, depth)
  depth = depth or 0
  local t = type(v)
  if t == "nil" or t == "boolean" then return tostring(v) end
  if t == "number" then return describe_number(v) end
  if t == "string" then return describe_string(v) end
  if rawequal(v, NULL) then return "procsh.null" end
  if rawequal(v, SENTINEL) then return "SENTINEL" end
  if LABEL[v] then return LABEL[v] end
  if rawequal(v, io.stdout) then return "io.stdout" end
  if t ~= "table" then return t end
  if iserror(v) then return "<procsh error table>" end
  if depth >= 2 then return "{...}" end
  local parts, n = {}, 0
  local mt = getmetatable(v)
  local k = nil
  repeat
    local ok, key, value = pcall(next, v, k)
    if not ok or key == nil then break end
    k = key
    n = n + 1
    if n <= 4 then
      if mtype(key) == "integer" and key == n then
        parts[#parts + 1] = describe(value, depth + 1)
      elseif type(key) == "string" and key:match("^[%a_][%w_]*$") then
        parts[#parts + 1] = key .. "=" .. describe(value, depth + 1)
      else
        parts[#parts + 1] = "[" .. describe(key, depth + 1) .. "]=" .. describe(value, depth + 1)
      end
    end
  until n > 50
  if n > 4 then parts[#parts + 1] = "..." end
  local text = "{" .. concat(parts, ", ") .. "}"
  if rawequal(mt, ARRAY_MT) then text = "json.array" .. text
  elseif mt then text = text .. "+metatable" end
  return text
end

local function describe_args(args, n)
  local parts = {}
  for i = 1, n do parts[i] = describe(args[i]) end
  local s = "(" .. concat(parts, ", ") .. ")"
  if #s > 400 then s = s:sub(1, 400) .. "...)" end
  return s
end

---------------------------------------------------------------------------
-- Findings.
---------------------------------------------------------------------------

local calls, typed_errors, sentinels, internal_errors = 0, 0, 0, 0
local findings, finding_keys = {}, {}
local by_function, cpu_by_function = {}, {}

local function normalise(text)
  text = tostring(text)
  text = text:gsub("0x%x+", "0x?"):gsub("%d+", "N"):gsub("'[^']*'", "'?'"):gsub('"[^"]*"', '"?"')
  text = text:gsub("attempt to (%a+) a (%a+) value", "attempt to %1 a ? value")
    :gsub("attempt to compare (%a+) with (%a+)", "attempt to compare ? with ?")
    :gsub("attempt to compare two (%a+) values", "attempt to compare two ? values")
    :gsub("^processruns:N: processruns:N:", "processruns:N:")
  return text:sub(1, 140)
end

-- keydetail, when given, stands for the detail in the dedupe key (for
-- findings whose detail differs every time: differential JSON checks).
local function finding(fname, category, detail, argtext, keydetail)
  local key = fname .. "|" .. category .. "|" .. (keydetail or normalise(detail))
  if finding_keys[key] then
    finding_keys[key].count = finding_keys[key].count + 1
    return
  end
  local f = { fname = fname, category = category, detail = tostring(detail), args = argtext or "", count = 1 }
  finding_keys[key] = f
  findings[#findings + 1] = f
  local detail_text = f.detail
  if #detail_text > 600 then detail_text = detail_text:sub(1, 600) .. "..." end
  local shown = (keydetail and keydetail ~= "") and (category .. " [" .. keydetail .. "]") or category
  write(format("FINDING %d: %s: %s\n  args: %s\n  got:  %s\n", #findings, fname, shown, f.args, detail_text))
  io.stdout:flush()
end

---------------------------------------------------------------------------
-- Values.
---------------------------------------------------------------------------

local NUMBERS = {
  0, -0.0, 0.0, 1, -1, 2, 3, 0.5, -0.5, 1.5, 2.5, 3.0, 1e-9, 1e-300, 5e-324, 2.2250738585072014e-308,
  1e300, 1.7976931348623157e308, math.huge, -math.huge, 0 / 0, -(0 / 0), math.maxinteger, math.mininteger,
  math.maxinteger - 1, math.mininteger + 1, 2 ^ 53, 2 ^ 53 + 2, 2 ^ 63, -2 ^ 63, 2 ^ 64, 1e15, 1e16, 1e21,
  100, 99, 1000, 1001, 0.1, 1 / 3, 42, -42, 65535, 2 ^ 31, 2 ^ 31 - 1, -2 ^ 31, 4294967296, 1e-5, 1e-4,
}

local UNICODE = {
  "é", "e\u{301}", "Å", "A\u{30A}", "\u{212B}", "ﬁ", "ß", "İ", "\u{2028}", "\u{2029}", "\u{FEFF}",
  "\u{200B}", "😀", "\u{10FFFF}", "\u{7F}", "\u{80}", "\u{FFFD}", "日本語", "עברית", "\u{301}", "ǅ", "\u{1F1FA}\u{1F1F8}",
}
local INVALID_UTF8 = {
  "\xff", "\xfe", "\xc0\x80", "\xc1\xbf", "\xed\xa0\x80", "\xed\xbf\xbf", "\xe2\x82", "\xf4\x90\x80\x80",
  "\xf8\x88\x80\x80\x80", "\x80", "\xc3", "\xe0\x80\x80", "\xf0\x80\x80\x80", "\xc3\x28",
}
local FIELD_NAMES = {
  "action", "arguments", "triggerType", "type", "sendTaskArgs", "contentRequestArgs", "assignee", "approver",
  "title", "dueDate", "document", "section", "instructions", "id", "name", "children", "parallel", "readOnly",
  "relativeSibling", "relativeSiblingId", "parentGroup", "parentGroupId", "before", "batchSize", "filter",
  "orderBy", "pageSize", "excludeGeneratedJobs", "sendProcessCompleteEmail", "pretty", "depth", "items", "raw",
  "status", "ordinal", "parent", "kind", "message", "code", "field",
}
local IDS = {
  "demo-run", "demo-run-complete", "job-1", "job-7", "job-9", "job-11", "job-12", "job-21", "group-review",
  "group-certification", "demo-process", "nope", "no-such-run", "jobrun-1", "process-1", "run-1",
}
local USERS = { "user123", "manager456", "user789", "reviewer001", "approver002", "finance-team", "nobody", "" }
local PRINCIPAL_TYPES = { "user", "group", "usr", "User", "GROUP", "groups", "", "team", "user ", "ｕｓｅｒ" }
local DOCS = { "doc456", "doc789", "nope", "" }
local SECTIONS = { "section-id-123", "nope", "" }
local GOOD_DATES = { "2024-12-15", "2024-02-29", "2000-02-29", "1999-12-31", "2026-01-01", "0001-01-01", "9999-12-31" }
local BAD_DATES = {
  "2024-02-30", "2023-02-29", "1900-02-29", "2024-04-31", "2024-13-01", "2024-00-10", "2024-01-00", "2024-1-1",
  "24-01-01", "2024-01-01T00:00:00Z", "2024/01/01", "20240101", "0000-01-01", "-2024-01-01", "+2024-01-01",
  " 2024-01-01", "2024-01-01 ", "2024-01-01\0", "２０２４-01-01", "2024-02-29x", "", "yesterday", "2024-12-15\n",
  "10000-01-01", "2024-06-31", "2024-11-31", "2024-002-01",
}

local function ascii_word(maxlen)
  local n = R(0, maxlen or 12)
  local t = {}
  for i = 1, n do t[i] = string.char(R(97, 122)) end
  return concat(t)
end

local function bytes(n)
  local t = {}
  for i = 1, n do t[i] = string.char(R(0, 255)) end
  return concat(t)
end

local function misspell(s)
  if type(s) ~= "string" or s == "" then return ascii_word(6) end
  local i = R(#s)
  local r = R(12)
  if r == 1 then return s:sub(1, i - 1) .. s:sub(i + 1) end                       -- drop
  if r == 2 then return s:sub(1, i) .. s:sub(i) end                               -- double
  if r == 3 and #s > 1 then
    local j = math.min(i, #s - 1)
    return s:sub(1, j - 1) .. s:sub(j + 1, j + 1) .. s:sub(j, j) .. s:sub(j + 2)   -- swap
  end
  if r == 4 then return s:lower() end
  if r == 5 then return s:upper() end
  if r == 6 then return s:sub(1, i - 1) .. string.char(R(97, 122)) .. s:sub(i + 1) end  -- replace
  if r == 7 then return s .. "s" end
  if r == 8 then return " " .. s end
  if r == 9 then return s:sub(1, i - 1) .. "\u{456}" .. s:sub(i + 1) end          -- a Cyrillic look-alike
  if r == 10 then return s .. "\0" end
  if r == 11 then return s:sub(1, 1):upper() .. s:sub(2) end
  return s .. ascii_word(3)
end

-- Big strings, made once (a few MB in all).
local BIG = {}
local function big_string()
  bigused = true
  if #BIG == 0 then
    BIG[1] = string.rep("A", 1 << 20)
    BIG[2] = string.rep("é", 1 << 19)
    BIG[3] = string.rep("\0\xff" .. bytes(62), (3 << 20) // 64)
    BIG[4] = string.rep("%s\"\\\n", 1 << 18)
  end
  return pick(BIG)
end

local function rand_string()
  local r = R(100)
  if r <= 8 then return "" end
  if r <= 25 then return ascii_word() end
  if r <= 35 then return pick(IDS) end
  if r <= 42 then return pick(FIELD_NAMES) end
  if r <= 48 then return misspell(pick(FIELD_NAMES)) end
  if r <= 55 then return bytes(R(1, 24)) end
  if r <= 62 then
    local t = {}
    for i = 1, R(1, 4) do t[i] = pick(UNICODE) end
    return concat(t)
  end
  if r <= 69 then return ascii_word(4) .. pick(INVALID_UTF8) .. ascii_word(4) end
  if r <= 73 then return ascii_word(3) .. "\0" .. ascii_word(3) end
  if r <= 77 then return pick(GOOD_DATES) end
  if r <= 81 then return pick(BAD_DATES) end
  if r <= 85 then return pick { "%s", "%d", "%q", "%", "%5.2f %s", "%-99s", "100%", "%c", "%i", "%x%x%x", "%z" } end
  if r <= 88 then return pick { "\n", "\t", "\r\n", " ", "\"", "\\", "'", "\\u0000", "\\ud800", "null", "true" } end
  if r <= 93 then return string.rep(ascii_word(3) .. " ", R(100, 3000)) end
  if r <= 96 then return tostring(pick(NUMBERS)) end
  if r <= 99 then return string.rep("x", R(40000, 70000)) end
  return big_string()
end

local function rand_number()
  local r = R(10)
  if r <= 6 then return pick(NUMBERS) end
  if r <= 8 then return R(-1000, 1000) end
  if r == 9 then return (R() - 0.5) * 10 ^ R(-20, 20) end
  return R(math.mininteger, math.maxinteger)
end

local gen, deepcopy  -- forward

-- A value for a metamethod or a function to return: garbage.
local function garbage_value()
  garbage = true
  local r = R(12)
  if r == 1 then return nil end
  if r == 2 then return false end
  if r == 3 then return 0 / 0 end
  if r == 4 then return {} end
  if r == 5 then return "garbage" end
  if r == 6 then return function() end end
  if r == 7 then return coroutine.create(function() end) end
  if r == 8 then return io.stdout end
  if r == 9 then return NULL end
  if r == 10 then return math.mininteger end
  if r == 11 then return setmetatable({}, { __tostring = function() return {} end }) end
  return SENTINEL  -- returned, not raised
end

local function raiser() error(SENTINEL, 0) end

local EVENTS = {
  "__index", "__newindex", "__len", "__pairs", "__tostring", "__eq", "__lt", "__le", "__concat", "__call",
  "__name", "__metatable", "__unm", "__add", "__mode", "__close", "__jsontype", "__gc",
}

-- A metatable whose metamethods raise the sentinel or return garbage.
local function hostile_metatable(self)
  local mt, parts = {}, {}
  local want = R(1, 4)
  for _ = 1, want do
    local ev = pick(EVENTS)
    local how = R(3)  -- 1 raises, 2 returns garbage, 3 a non-function value
    if ev == "__gc" then
      mt.__gc = function() end  -- errors in __gc only warn; keep it harmless
      how = 0
    elseif ev == "__mode" then
      mt.__mode = pick { "k", "v", "kv" }
      how = 0
    elseif how == 1 then
      mt[ev] = raiser
    elseif ev == "__index" and how == 2 then
      garbage = true
      mt[ev] = function(_, k)  -- only a few integer keys, so ipairs ends
        if mtype(k) == "integer" and (k > 3 or k < 1) then return nil end
        return garbage_value()
      end
    elseif ev == "__pairs" and how == 2 then
      garbage = true
      local variant = R(5)
      mt[ev] = function(t)
        if variant == 1 then return end
        if variant == 2 then return garbage_value() end
        if variant == 3 then return next, t, nil end
        local steps = 0
        return function()
          steps = steps + 1
          if variant == 4 and steps == 2 then error(SENTINEL, 0) end
          if steps > 4 then return nil end
          return pick { "a", "id", "name", 1, 2.5, true }, garbage_value()
        end, t, nil
      end
    elseif how == 2 then
      garbage = true
      mt[ev] = function() return garbage_value() end
    else
      garbage = true
      if ev == "__index" then
        mt[ev] = chance(0.5) and { id = garbage_value(), children = garbage_value() } or (self or {})
      elseif ev == "__name" or ev == "__jsontype" then
        mt[ev] = chance(0.5) and pick { "array", "object", "table", "" } or garbage_value()
      else
        mt[ev] = garbage_value()
      end
    end
    parts[#parts + 1] = ev .. "=" .. (how == 1 and "raise" or how == 2 and "garbage" or how == 3 and "value" or "plain")
  end
  return mt, concat(parts, ",")
end

local function hostile(t)
  t = t or {}
  if getmetatable(t) then return t end
  local mt, text = hostile_metatable(t)
  setmetatable(t, mt)
  return label(t, "hostile" .. describe(t) .. "<" .. text .. ">")
end

local function deep(levels, kind)
  local root = {}
  local t = root
  for _ = 2, levels do
    local child = {}
    if kind == "array" then t[1] = child else t.a = child end
    t = child
  end
  return label(root, format("<%s nested %d levels>", kind or "object", levels))
end

local function cycle()
  local r = R(4)
  local t
  if r == 1 then t = {} t.self = t
  elseif r == 2 then t = { 1, 2 } t[3] = t
  elseif r == 3 then t = { a = { b = {} } } t.a.b.c = t
  else t = { children = {} } t.children[1] = t end
  return label(t, "<cyclic table>")
end

local API_ERRORS = {}  -- real procsh error tables seen, to pass back in

local function rand_function()
  local r = R(8)
  if r == 1 then return label(raiser, "<function raising SENTINEL>") end
  if r == 2 then
    garbage = true
    return label(function() return garbage_value() end, "<function returning garbage>")
  end
  if r == 3 then return label(function() return true end, "<function returning true>") end
  if r == 4 then return label(function() return false end, "<function returning false>") end
  if r == 5 then return label(function() return nil end, "<function returning nil>") end
  if r == 6 then
    return label(function(n) return type(n) == "table" and rawget(n, "id") == "job-12" end, "<function matching job-12>")
  end
  if r == 7 then return type end
  garbage = true
  return label(coroutine.yield, "coroutine.yield")
end

local function rand_table(budget)
  local r = R(30)
  if r <= 5 then
    local t = {}
    for i = 1, R(0, 5) do t[i] = gen(budget - 1) end
    return t
  end
  if r <= 10 then
    local t = {}
    for _ = 1, R(0, 5) do t[chance(0.6) and pick(FIELD_NAMES) or rand_string()] = gen(budget - 1) end
    return t
  end
  if r == 11 then return { gen(budget - 1), nil, gen(budget - 1) } end  -- a hole
  if r == 12 then return { 1, 2, x = gen(budget - 1) } end               -- mixed
  if r == 13 then
    local keys = { true, false, 1.5, 0, -1, math.maxinteger, math.mininteger, 2 ^ 53, -0.0, io.stdout, print, {} }
    return { [pick(keys)] = gen(budget - 1) }
  end
  if r == 14 then return hostile(rand_table(budget - 1)) end
  if r == 15 then return hostile() end
  if r == 16 then return deep(pick { 2, 10, 300, 999, 1000, 1001, 1200 }, pick { "array", "object" }) end
  if r == 17 then return cycle() end
  if r == 18 then return json_array {} end
  if r == 19 then return json_array { gen(budget - 1) } end
  if r == 20 then local t = json_array {} rawset(t, "x", 1) return t end
  if r == 21 and #API_ERRORS > 0 then
    local e = pick(API_ERRORS)
    if chance(0.3) then  -- the shared metatable on a copy with odd fields
      local forged = setmetatable({}, getmetatable(e))
      for k, x in next, e do forged[k] = x end
      forged[pick { "kind", "message", "status", "request", "field", "code" }] = gen(1)
      return label(forged, "<procsh error table with odd fields>")
    end
    return e
  end
  if r == 22 then
    local shared = { 1 }
    return { shared, shared, { shared } }  -- the same table side by side: no cycle
  end
  if r == 23 then
    local t = {}
    for i = 1, R(1000, 20000) do t[i] = i end
    if chance(0.5) then t[R(#t)] = nil end
    return label(t, "<big array>")
  end
  if r == 24 then return setmetatable({ id = "job-7" }, { __metatable = false }) end
  if r == 25 then return { id = gen(budget - 1), children = gen(budget - 1) } end
  if r == 26 then return deepcopy(MOD[pick(MODULE_NAMES)]) end  -- a copy: the real ones must stay intact
  if r == 27 then return setmetatable({ gen(budget - 1) }, { __mode = "v" }) end
  if r == 28 then return { [pick(FIELD_NAMES)] = NULL } end
  if r == 29 then return { [""] = 1, ["a.b"] = 2, ["1"] = 3, ["with space"] = { ["\0"] = true } } end
  return {}
end

function gen(budget)
  budget = budget or 3
  local r = R(100)
  if r <= 8 then return nil end
  if r <= 14 then return chance(0.5) end
  if r <= 30 then return rand_number() end
  if r <= 55 then return rand_string() end
  if r <= 58 then return rand_function() end
  if r <= 60 then
    local co = coroutine.create(function() end)
    if chance(0.5) then coroutine.resume(co) end
    return co
  end
  if r <= 62 then return io.stdout end
  if r <= 66 then return NULL end
  if budget <= 0 then return pick { 1, "x", true, NULL } end
  return rand_table(budget)
end

function deepcopy(v, seen)
  if type(v) ~= "table" then return v end
  seen = seen or {}
  if seen[v] then return seen[v] end
  if iserror(v) or rawequal(v, SENTINEL) then return v end
  local c = {}
  seen[v] = c
  for k, x in next, v do rawset(c, deepcopy(k, seen), deepcopy(x, seen)) end
  local mt = getmetatable(v)
  if mt then setmetatable(c, mt) end
  if LABEL[v] then LABEL[c] = LABEL[v] end
  return c
end

-- Applies a few random mutations to a copy of a plausible value.
local function mutate(v, count)
  local copies = {}
  local root = { v = deepcopy(v, copies) }
  local owned = { [root] = true }
  for original, copy in next, copies do
    if not rawequal(original, copy) then owned[copy] = true end
  end
  for _ = 1, count or R(1, 3) do
    -- every (table, key) slot under root
    local slots, seen = {}, {}
    local function walk(t, d)
      local mt = getmetatable(t)
      -- only the copy: never what a mutation put in (a shared run, a module table)
      if seen[t] or d > 8 or not owned[t] or (mt and not rawequal(mt, ARRAY_MT)) then return end
      seen[t] = true
      for k, x in next, t do
        slots[#slots + 1] = { t, k }
        if type(x) == "table" then walk(x, d + 1) end
      end
      if t ~= root then slots[#slots + 1] = { t, nil } end  -- add a field here
    end
    walk(root, 0)
    if #slots == 0 then break end
    local slot = pick(slots)
    local t, k = slot[1], slot[2]
    local op = R(16)
    if k == nil then
      local names = {}
      for name in next, t do if type(name) == "string" then names[#names + 1] = name end end
      local key = (#names > 0 and chance(0.6)) and misspell(pick(names)) or
        chance(0.5) and pick(FIELD_NAMES) or gen(0)
      if key ~= nil and key == key then rawset(t, key, gen(1)) end
    elseif op == 1 then rawset(t, k, nil)
    elseif op == 2 then rawset(t, k, gen(1))
    elseif op == 3 then rawset(t, k, NULL)
    elseif op == 4 and type(k) == "string" then
      local x = rawget(t, k)
      rawset(t, k, nil)
      rawset(t, misspell(k), x)
    elseif op == 5 then rawset(t, k, "")
    elseif op == 6 then rawset(t, k, pick(BAD_DATES))
    elseif op == 7 then rawset(t, k, pick(PRINCIPAL_TYPES))
    elseif op == 8 then rawset(t, k, rand_number())
    elseif op == 9 then rawset(t, k, { rawget(t, k) })
    elseif op == 10 and t ~= root then rawset(t, k, t)  -- a cycle
    elseif op == 11 then rawset(t, k, chance(0.5) and pick { "sendTask", "contentRequest" } or misspell(pick { "sendTask", "contentRequest" }))
    elseif op == 12 and t ~= root then hostile(t)
    elseif op == 13 then rawset(t, k, chance(0.02) and big_string() or rand_string())
    elseif op == 14 then rawset(t, k, { id = pick(USERS), type = pick(PRINCIPAL_TYPES), [pick(FIELD_NAMES)] = chance(0.3) and 1 or nil })
    elseif op == 15 then rawset(t, 1, gen(1))  -- array items in an object
    else rawset(t, k, pick { true, false, 0, -1, 1.5, 0 / 0, math.huge, {}, json_array {} })
    end
  end
  return root.v
end

---------------------------------------------------------------------------
-- Plausible domain values: principals, job specs, options, definitions, trees.
---------------------------------------------------------------------------

local function title()
  local r = R(30)
  if r <= 20 then return "Task " .. R(1000) end
  if r <= 22 then return pick(UNICODE) .. " review" end
  if r == 23 then return "" end
  if r == 24 then return "Tab\tNUL\0end" end
  if r == 25 then return "bad " .. pick(INVALID_UTF8) end
  if r == 26 then return string.rep("long ", R(200, 2000)) end
  if r == 27 then return "100% \"done\" %s\n" end
  if r == 28 and chance(0.1) then return big_string() end
  return rand_string()
end

local function principal_api()
  local r = R(10)
  if r <= 6 then return { id = pick { "user123", "manager456", "user789" }, type = "user" } end
  if r <= 8 then return { id = "finance-team", type = "group" } end
  return { id = pick(USERS), type = pick(PRINCIPAL_TYPES) }
end

local function principal_flat()
  local r = R(10)
  if r <= 5 then return pick(USERS) end
  if r <= 7 then return { id = pick(USERS) } end
  return principal_api()
end

local function flat_args(action, principal)
  principal = principal or principal_flat
  local a = { assignee = principal(), title = title() }
  if chance(0.2) then a.approver = principal() end
  if action == "sendTask" then
    if chance(0.4) then a.dueDate = chance(0.7) and pick(GOOD_DATES) or pick(BAD_DATES) end
    if chance(0.2) then a.document = pick(DOCS) end
  else
    a.document = chance(0.9) and pick(DOCS) or nil
    a.section = chance(0.9) and pick(SECTIONS) or nil
    if chance(0.3) then a.instructions = title() end
  end
  return a
end

local function spec_api(action)
  action = action or (chance(0.7) and "sendTask" or "contentRequest")
  local spec = { action = action, arguments = { type = action } }
  spec.arguments[action .. "Args"] = flat_args(action, principal_api)
  if chance(0.5) then spec.triggerType = "whenEligible" end
  return spec
end

local function spec_built()
  local action = chance(0.7) and "sendTask" or "contentRequest"
  local ok, spec = pcall(action == "sendTask" and sendTask or contentRequest, flat_args(action))
  if ok then return spec end
  return spec_api(action)
end

local function one_spec()
  local spec = chance(0.5) and spec_api() or spec_built()
  if chance(0.4) then spec = mutate(spec) end
  return spec
end

local function jobs_arg()
  local r = R(20)
  if r <= 8 then return one_spec() end
  if r <= 15 then
    local jobs = {}
    for i = 1, R(1, 5) do jobs[i] = chance(0.8) and (chance(0.5) and spec_api() or spec_built()) or one_spec() end
    if chance(0.1) then jobs[R(#jobs)] = nil end
    return jobs
  end
  if r == 16 then
    local jobs = {}
    for i = 1, R(50, 260) do jobs[i] = spec_api("sendTask") end
    if chance(0.3) then jobs[R(#jobs)] = one_spec() end
    return label(jobs, format("<%d job specs>", #jobs))
  end
  if r == 17 then return {} end
  if r == 18 then return json_array {} end
  return gen()
end

local KNOWN = { runs = {}, processes = {}, nodes = {} }

local function remember(list, id)
  if type(id) == "string" then
    list[#list + 1] = id
    if #list > 20 then table.remove(list, 1) end
  end
end

local RUN -- processruns.get("demo-run"), refreshed after resets
local function refresh_run()
  local ok, run = pcall(processruns_get, "demo-run")
  if ok then RUN = run end
  KNOWN.nodes = {}
  if RUN then
    local function walk(node)
      for _, child in ipairs(rawget(node, "children") or {}) do
        KNOWN.nodes[#KNOWN.nodes + 1] = child
        walk(child)
      end
    end
    walk(RUN)
  end
end

local function id_arg(pool)
  local r = R(20)
  if r <= 8 then return pick(pool) end
  if r <= 10 then return { id = pick(pool) } end
  if r == 11 and RUN then return RUN end
  if r == 12 and #KNOWN.nodes > 0 then return pick(KNOWN.nodes) end
  if r == 13 and #KNOWN.runs > 0 then return pick(KNOWN.runs) end
  if r == 14 and #KNOWN.processes > 0 then return pick(KNOWN.processes) end
  if r == 15 then return misspell(pick(pool)) end
  if r == 16 then return pick { "demo-run/jobRuns", "../demo-run", "demo-run?x=1", "demo-run#x", "demo run",
    "%2e%2e", "demo-run/", "/", ".", "..", "demo-run%00", "demo-run\0", "\u{e9}", "a/b/c", "?", "#" } end
  if r == 17 then return { id = gen(0) } end
  return gen(1)
end

local RUN_POOL = { "demo-run", "demo-run", "demo-run-complete", "nope", "" }
local SIBLING_POOL = { "job-7", "job-1", "job-9", "group-review", "job-12", "job-21", "group-certification", "nope", "" }
local GROUP_POOL = { "group-review", "group-review", "group-certification", "job-7", "nope", "" }
local PROCESS_POOL = { "demo-process", "demo-process", "nope", "process-1", "" }
local BATCH_SIZES = { 1, 2, 10, 100, 1000, 0, 1001, -1, 2.0, 2.5, "10", math.huge, 0 / 0, math.maxinteger,
  math.mininteger, 1e300, true, NULL }

local function opts_create()
  if chance(0.35) then return nil end
  local o = {}
  local r = R(10)
  if r <= 4 then o[chance(0.8) and "relativeSibling" or "relativeSiblingId"] = id_arg(SIBLING_POOL) end
  if r >= 3 and r <= 6 then o[chance(0.8) and "parentGroup" or "parentGroupId"] = id_arg(GROUP_POOL) end
  if chance(0.4) then o.before = chance(0.8) and chance(0.5) or gen(0) end
  if chance(0.3) then o.batchSize = pick(BATCH_SIZES) end
  if chance(0.3) then o = mutate(o) end
  return o
end

local function opts_generic(names, values)
  if chance(0.4) then return nil end
  local o = {}
  for _, name in ipairs(names) do
    if chance(0.6) then o[name] = chance(0.7) and pick(values[name]) or gen(0) end
  end
  if chance(0.3) then o = mutate(o) end
  if chance(0.05) then return gen(1) end
  return o
end

local BOOLS = { true, false, true, false, "true", 1, NULL }

local function process_child(depth)
  if depth <= 0 or chance(0.5) then return chance(0.5) and spec_api() or spec_built() end
  local g = { name = title(), parallel = chance(0.5) }
  if chance(0.7) then
    g.children = {}
    for i = 1, R(1, 3) do g.children[i] = process_child(depth - 1) end
  end
  return g
end

-- A child in createProcess' own shape (under `root`): users as ids.
local USERS = { "user123", "manager456", "user789", "ghost" }
local function page_child(depth)
  if depth <= 0 or chance(0.5) then
    local args = { assigneeUser = pick(USERS), title = title() }
    if chance(0.3) then args.instructions = title() end
    if chance(0.3) then args.approverUser = pick(USERS) end
    if chance(0.2) then args.approverDueDate = pick { "2024-12-20", "2024-02-30", "soon" } end
    return { type = "job", job = { arguments = { type = "sendTask", sendTaskArgs = args } } }
  end
  local g = { name = title(), parallel = chance(0.5), readOnly = chance(0.2) or nil, children = {} }
  for i = 1, R(0, 3) do g.children[i] = page_child(depth - 1) end
  return { type = "group", group = g }
end

local function process_definition()
  local d = { name = chance(0.9) and ("Process " .. R(1000)) or title() }
  if chance(0.2) then
    d.root = { name = title(), parallel = false, children = {} }
    for i = 1, R(0, 4) do d.root.children[i] = page_child(R(0, 3)) end
    if chance(0.1) then d.dueDate = pick { "2024-12-31", "2024-13-01" } end
    if chance(0.5) then d = mutate(d) end
    return d
  end
  if chance(0.85) then
    d.children = {}
    for i = 1, R(0, 4) do d.children[i] = process_child(R(0, 3)) end
  end
  if chance(0.05) then
    local levels = pick { 10, 100, 200, 250, 251, 252, 253, 254, 255, 256, 300, 499, 500 }
    local c = d
    for i = 1, levels do
      local g = { name = "g" .. i, parallel = chance(0.5), children = {} }
      c.children = { g }
      c = g
    end
    c.children = { spec_api() }
    label(d, format("<process definition with %d nested groups>", levels))
    return d
  end
  if chance(0.5) then d = mutate(d) end
  return d
end

-- A run-like tree for the walkers: the real one, a mutated copy, or a made-up one.
local STATUSES = { "waiting", "running", "complete", "cancelled", "cancelling", "bogus" }
local function made_up_node(depth)
  local node = { id = chance(0.9) and ("n" .. R(1000)) or gen(0), ordinal = chance(0.9) and R(0, 9) or gen(0),
    status = chance(0.9) and pick(STATUSES) or gen(0) }
  if depth > 0 and chance(0.4) then
    node.name = chance(0.8) and title() or gen(0)
    node.parallel = chance(0.8) and chance(0.5) or gen(0)
    node.readOnly = chance(0.3) or nil
    node.children = {}
    for i = 1, R(0, 3) do node.children[i] = made_up_node(depth - 1) end
  else
    node.action = chance(0.9) and "sendTask" or gen(0)
    node.arguments = chance(0.9) and { type = "sendTask", sendTaskArgs = { title = chance(0.9) and title() or gen(0) } } or gen(0)
  end
  if chance(0.1) then node = mutate(node) end
  return node
end

local function tree_arg()
  local r = R(20)
  if chance(0.01) then return cycle() end  -- rare: tree() of a cycle eats memory until the watchdog stops it
  if r <= 5 and RUN then return chance(0.5) and RUN or deepcopy(RUN) end
  if r <= 8 and RUN then return mutate(RUN, R(1, 4)) end
  if r <= 10 and #KNOWN.nodes > 0 then return pick(KNOWN.nodes) end
  if r <= 14 then
    local t = made_up_node(3)
    if type(t) == "table" and rawget(t, "children") == nil then rawset(t, "children", {}) end
    return t
  end
  if r == 15 then
    local root = { id = "deep", name = "deep", children = {} }
    local c = root
    for i = 1, pick { 10, 100, 300 } do
      local g = { id = "g" .. i, name = "g", parallel = false, children = {} }
      c.children[1] = g
      c = g
    end
    return label(root, "<run tree with nested groups>")
  end
  if r == 16 then
    local shared = made_up_node(1)
    return { id = "dag", children = { shared, shared, { id = "g", children = { shared } } } }
  end
  if r == 17 then return hostile({ id = "h", children = { { id = "x", name = "X" } } }) end
  if r == 18 then return { children = gen(1) } end
  if r == 19 then return { children = { gen(1), gen(1) } } end
  return gen(2)
end

local function pred_arg()
  local r = R(12)
  if r <= 3 then return chance(0.7) and pick(IDS) or rand_string() end
  if r <= 6 then
    local p = {}
    for _ = 1, R(0, 2) do
      local k = pick { "name", "id", "status", "parallel", "readOnly", "ordinal", "action" }
      p[k] = pick { "Review", "job-12", "running", true, false, 2, "sendTask", "Certification" }
    end
    if chance(0.2) then p = mutate(p) end
    return p
  end
  if r <= 9 then return rand_function() end
  return gen(2)
end

local function fault_spec()
  local names = { "503", "429", "500", "reset", "500-after-commit", "reset-after-commit", "latency", "bogus",
    "Latency", "503 ", "", "5O3" }
  local values = { "0", "1", "0.5", "0.2", "1.5", "-0", "-0.1", "nan", "inf", "1e-300", "0x1p-1", "", " 0.2",
    "20ms", "1.5s", "1ms", "0ms", "1e300s", "inf", "1e20ms", "-1s", "10s", "1e9", "infs", "NaNms", "20 ms",
    "99999999999999s", "0.001s", "1e-9s", "5", "1e25s", "2e20s" }
  local parts = {}
  for i = 1, R(0, 4) do
    local r = R(10)
    if r <= 7 then parts[i] = pick(names) .. "=" .. pick(values)
    elseif r == 8 then parts[i] = rand_string()
    elseif r == 9 then parts[i] = pick(names) .. "==" .. pick(values)
    else parts[i] = pick(names) end
  end
  return concat(parts, pick { ",", ",", ", ", ",,", ";" })
end

---------------------------------------------------------------------------
-- JSON texts: a reference parser, generators, mutations.
---------------------------------------------------------------------------

local REF_FAIL = {}
local ESCAPES = { [34] = '"', [92] = "\\", [47] = "/", [98] = "\b", [102] = "\f", [110] = "\n", [114] = "\r", [116] = "\t" }

-- A strict RFC 8259 parser with procsh's documented choices: depth at most
-- 1000, no BOM, integers that fit 64 bits are integers, numbers too large
-- for a double are errors, null is procsh.null, arrays carry json.array's
-- marker, a repeated key: the last wins. Returns ok, value.
local function ref_decode(s)
  local pos, n, depth = 1, #s, 0
  local function fail() error(REF_FAIL, 0) end
  local function ws() pos = s:find("[^ \t\n\r]", pos) or n + 1 end
  local value
  local function str()
    pos = pos + 1
    local buf = {}
    while true do
      local c = s:byte(pos)
      if not c then fail() end
      if c == 34 then pos = pos + 1 break end
      if c == 92 then
        local e = s:byte(pos + 1)
        if e == 117 then
          local hex = s:match("^%x%x%x%x", pos + 2)
          if not hex then fail() end
          local cp = tonumber(hex, 16)
          pos = pos + 6
          if cp >= 0xD800 and cp <= 0xDBFF then
            local lo = s:match("^\\u(%x%x%x%x)", pos)
            if not lo then fail() end
            local l = tonumber(lo, 16)
            if l < 0xDC00 or l > 0xDFFF then fail() end
            cp = 0x10000 + (cp - 0xD800) * 0x400 + (l - 0xDC00)
            pos = pos + 6
          elseif cp >= 0xDC00 and cp <= 0xDFFF then
            fail()
          end
          buf[#buf + 1] = utf8.char(cp)
        else
          local x = ESCAPES[e]
          if not x then fail() end
          buf[#buf + 1] = x
          pos = pos + 2
        end
      elseif c < 0x20 then
        fail()
      else
        local stop = s:find('["\\\0-\31]', pos) or n + 1
        buf[#buf + 1] = s:sub(pos, stop - 1)
        pos = stop
      end
    end
    local text = concat(buf)
    if not utf8.len(text) then fail() end
    return text
  end
  local function digits()
    local stop = s:find("[^0-9]", pos) or n + 1
    if stop == pos then fail() end
    pos = stop
  end
  local function number()
    local start = pos
    if s:byte(pos) == 45 then pos = pos + 1 end
    local c = s:byte(pos)
    if c == 48 then pos = pos + 1
    elseif c and c >= 49 and c <= 57 then digits()
    else fail() end
    local integer = true
    if s:byte(pos) == 46 then integer = false pos = pos + 1 digits() end
    c = s:byte(pos)
    if c == 101 or c == 69 then
      integer = false
      pos = pos + 1
      c = s:byte(pos)
      if c == 43 or c == 45 then pos = pos + 1 end
      digits()
    end
    local text = s:sub(start, pos - 1)
    local x = tonumber(text)
    if integer and mtype(x) == "integer" then return x end
    if x == nil or x == math.huge or x == -math.huge then fail() end
    return x + 0.0
  end
  function value()
    ws()
    local c = s:byte(pos)
    if c == 123 or c == 91 then
      depth = depth + 1
      if depth > 1000 then fail() end
      pos = pos + 1
      local t = {}
      ws()
      if c == 91 then
        setmetatable(t, ARRAY_MT)
        if s:byte(pos) == 93 then pos = pos + 1
        else
          while true do
            t[#t + 1] = value()
            ws()
            local d = s:byte(pos)
            pos = pos + 1
            if d == 93 then break end
            if d ~= 44 then fail() end
          end
        end
      else
        if s:byte(pos) == 125 then pos = pos + 1
        else
          while true do
            ws()
            if s:byte(pos) ~= 34 then fail() end
            local k = str()
            ws()
            if s:byte(pos) ~= 58 then fail() end
            pos = pos + 1
            t[k] = value()
            ws()
            local d = s:byte(pos)
            pos = pos + 1
            if d == 125 then break end
            if d ~= 44 then fail() end
          end
        end
      end
      depth = depth - 1
      return t
    end
    if c == 34 then return str() end
    if c == 116 and s:sub(pos, pos + 3) == "true" then pos = pos + 4 return true end
    if c == 102 and s:sub(pos, pos + 4) == "false" then pos = pos + 5 return false end
    if c == 110 and s:sub(pos, pos + 3) == "null" then pos = pos + 4 return NULL end
    if c == 45 or (c and c >= 48 and c <= 57) then return number() end
    fail()
  end
  local ok, v = pcall(function()
    if s:sub(1, 3) == "\xEF\xBB\xBF" then fail() end
    local x = value()
    ws()
    if pos <= n then fail() end
    return x
  end)
  if not ok and v ~= REF_FAIL then error(v, 0) end  -- a bug of the reference itself
  return ok, v
end

-- Deep equality of JSON-like Lua values: number subtypes must match, empty
-- tables must agree on json.array's marker. Returns nil, or where they differ.
local function json_diff(a, b, path, seen)
  path = path or "value"
  if type(a) ~= type(b) then return path .. ": " .. type(a) .. " vs " .. type(b) end
  if type(a) == "number" then
    if mtype(a) ~= mtype(b) then return path .. ": " .. mtype(a) .. " vs " .. mtype(b) end
    if a ~= b and not (a ~= a and b ~= b) then return path .. ": " .. describe(a) .. " vs " .. describe(b) end
    return nil
  end
  if type(a) ~= "table" then
    if not rawequal(a, b) then return path .. ": " .. describe(a) .. " vs " .. describe(b) end
    return nil
  end
  seen = seen or {}
  if seen[a] then return nil end
  seen[a] = true
  if next(a) == nil and next(b) == nil then
    local ma, mb = rawequal(getmetatable(a), ARRAY_MT), rawequal(getmetatable(b), ARRAY_MT)
    if ma ~= mb then return path .. ": empty " .. (ma and "array" or "object") .. " vs " .. (mb and "array" or "object") end
  end
  for k, x in next, a do
    local d = json_diff(x, rawget(b, k), path .. "[" .. describe(k) .. "]", seen)
    if d then return d end
  end
  for k in next, b do
    if rawget(a, k) == nil then return path .. "[" .. describe(k) .. "]: missing vs present" end
  end
  return nil
end

-- A value that has a JSON form.
local JSON_FLOATS = { -0.0, 0.0, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 0.1, 1 / 3, 1e-5,
  1e-4, 9.999e-5, 123456.789, 2 ^ 53, 2 ^ 53 + 2, 2 ^ 63, 1e15, 1e16, 1e17, 1e21, 1e22, 100.0, 3.0, -1.5,
  1e300, 4.35, 0.3, 2 ^ -1074, 2 ^ 52 + 0.5, 9007199254740991.0, 1e-7, 123e-20, 5e-5 }
local JSON_STRINGS = { "", "a", "\0", "\1\31", "\"\\/", "\u{7F}", "\u{2028}", "\u{FEFF}x", "😀", "\u{10FFFF}",
  "é", "e\u{301}", "\u{212B}", "Å", "tab\there", "line\nbreak", "\r\n", "\b\f", "%s", "日本語" }
local function gen_json(budget)
  budget = budget or 4
  local r = R(20)
  if r <= 2 then return NULL end
  if r <= 4 then return chance(0.5) end
  if r <= 7 then return chance(0.5) and pick { 0, 1, -1, math.maxinteger, math.mininteger, 2 ^ 53 // 1, 1000 } or R(-1e6, 1e6) end
  if r <= 9 then
    local x = R(3)
    if x == 1 then return pick(JSON_FLOATS) end
    if x == 2 then return (R() - 0.5) * 10 ^ R(-30, 30) end
    local d = string.unpack("<d", bytes(8))  -- any bit pattern: subnormals, huge, ...
    if d ~= d or d == math.huge or d == -math.huge then d = 0.5 end
    return d
  end
  if r <= 12 then
    if chance(0.5) then return pick(JSON_STRINGS) end
    local t = {}
    for i = 1, R(0, 5) do t[i] = chance(0.5) and ascii_word(3) or pick(JSON_STRINGS) end
    return concat(t)
  end
  if budget <= 0 then return "leaf" end
  if r <= 15 then
    local t = {}
    for i = 1, R(0, 4) do t[i] = gen_json(budget - 1) end
    if #t == 0 and chance(0.5) then t = json_array(t) end
    return t
  end
  if r <= 18 then
    local t = {}
    for _ = 1, R(0, 4) do
      local k = chance(0.5) and ascii_word(5) or pick(JSON_STRINGS)
      t[k] = gen_json(budget - 1)
    end
    return t
  end
  if r == 19 then
    -- two keys: mostly plainly distinct, sometimes canonically equivalent (same text, other bytes)
    local pair = pick { { "é", "e\u{301}" }, { "Å", "\u{212B}" }, { "Å", "A\u{30A}" }, { "ǅ", "D\u{17E}" } }
    local a, b = pair[1], chance(0.85) and (pair[1] .. "x") or pair[2]
    return { [a] = 1, [b] = 2 }
  end
  if budget == 4 and chance(0.1) then  -- deep nesting, at the top only
    local levels = pick { 100, 500, 999, 1000, 1001 }
    local root = {}
    local c = root
    for _ = 2, levels do
      local x = {}
      c[1] = x
      c = x
    end
    return label(root, format("<%d nested arrays>", levels))
  end
  return { gen_json(budget - 1) }
end

local JSON_SAMPLES = {
  "", " ", "null", "true", "false", "0", "-0", "-0.0", "1", "1.0", "1e2", "1E+2", "1e-2", "01", "1.", ".5", "-",
  "1e", "+1", "0x10", "NaN", "Infinity", "-Infinity", "1e400", "-1e400", "1e-400", "123456789012345678901234567890",
  "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
  '""', '"\\u0000"', '"\\ud800"', '"\\udc00"', '"\\ud83d\\ude00"', '"\\uD83D\\uDE00"', '"\\ud83d\\u0041"', '"\\u00e9"',
  '"\\x41"', '"\\\'"', '"a\tb"', '"\xff"', '"\xc0\x80"', '"\xed\xa0\x80"', "[]", "{}", "[1,]", "[,1]", "{,}",
  '{"a":1,}', '{"a" 1}', '{"a":1,"a":2}', '{"\u{e9}":1,"e\u{301}":2}', "{1:2}", "{'a':1}", "[1 2]", "[[[]]]",
  "\xEF\xBB\xBF{}", "{} {}", "[1]x", "\t\n\r [ ] \n", "\f[]", "\v[]", "\u{A0}[]", "/* c */ []", "[1e309]",
  '{"a":{"b":{"c":[null,true,false,0.5,"x"]}}}', "[-]", "[--1]", "[1.5e]", "[1.5e+]", "tru", "nul", "falsey",
  "[\"\\u12\"]", "\"abc", "[\"a\"", "{\"a\":", "[1,2", "[0.1e-999999999]", "[1e999999999999]", "\0",
  string.rep("[", 1000) .. string.rep("]", 1000), string.rep("[", 1001) .. string.rep("]", 1001),
  string.rep('{"a":', 999) .. "1" .. string.rep("}", 999), string.rep('{"a":', 1001) .. "1" .. string.rep("}", 1001),
}

local INSERTS = { "[", "]", "{", "}", ":", ",", '"', "\\", "\0", "\xff", "\xc3", "e", "-", "+", ".", "0", "9",
  "null", "true", "\\u", "\\ud800", " ", "\t", "\n", "\r", "\f", "\u{A0}", "\u{FEFF}", "\x7f", "/", "'", "1e999" }

local function mutate_text(s)
  for _ = 1, R(1, 3) do
    local n = #s
    local i = R(0, n)
    local r = R(7)
    if r == 1 and n > 0 then  -- flip a bit
      local j = R(n)
      s = s:sub(1, j - 1) .. string.char(s:byte(j) ~ (1 << R(0, 7))) .. s:sub(j + 1)
    elseif r == 2 then s = s:sub(1, i)                                             -- truncate
    elseif r == 3 then s = s:sub(1, i) .. pick(INSERTS) .. s:sub(i + 1)            -- insert a token
    elseif r == 4 then s = s:sub(1, i) .. bytes(R(1, 3)) .. s:sub(i + 1)           -- insert bytes
    elseif r == 5 and n > 0 then local j = R(i, n) s = s:sub(1, i) .. s:sub(j + 1) -- delete a range
    elseif r == 6 and n > 0 then local j = R(i, n) s = s:sub(1, j) .. s:sub(i + 1, j) .. s:sub(j + 1) -- duplicate
    else s = s:sub(1, i) .. tostring(pick(NUMBERS)) .. s:sub(i + 1) end
  end
  return s
end

-- A number as JSON text: long mantissas and big exponents test the rounding.
local function number_text()
  local t = {}
  if chance(0.3) then t[#t + 1] = "-" end
  if chance(0.2) then t[#t + 1] = "0"
  else
    t[#t + 1] = tostring(R(1, 9))
    for _ = 1, R(0, 25) do t[#t + 1] = tostring(R(0, 9)) end
  end
  if chance(0.6) then
    t[#t + 1] = "."
    for _ = 1, R(1, 25) do t[#t + 1] = tostring(R(0, 9)) end
  end
  if chance(0.5) then t[#t + 1] = pick { "e", "E", "e+", "e-", "E-" } .. R(0, chance(0.9) and 30 or 400) end
  return concat(t)
end

local function json_text()
  if chance(0.15) then
    local n = number_text()
    return chance(0.5) and n or ("[" .. n .. "," .. number_text() .. "]")
  end
  local r = R(10)
  if r <= 3 then return pick(JSON_SAMPLES) end
  if r <= 5 then
    local ok, s = pcall(json_encode, gen_json(4))
    if ok then return s end
    return pick(JSON_SAMPLES)
  end
  local base
  if chance(0.5) then base = pick(JSON_SAMPLES)
  else
    local ok, s = pcall(json_encode, gen_json(4), chance(0.3) and { pretty = true } or nil)
    base = ok and s or "[]"
  end
  return mutate_text(base)
end

---------------------------------------------------------------------------
-- Calling a binding and judging the outcome.
---------------------------------------------------------------------------

local KINDS = { validation = true, api = true, auth = true, transport = true, timeout = true }
local VALIDATION_CODES = { wrongType = true, missingField = true, unknownField = true, invalidValue = true,
  invalidDate = true, emptyValue = true, requestTooLong = true }

local faults_active = false   -- a fault spec is injected (set by the fuzzer's fault windows)

-- Where a validation error's field may start: the arguments' names (docs/lua-api.md, "Validation").
local FIELD_ROOTS = { processRun = true, jobs = true, opts = true, process = true, sendTask = true,
  contentRequest = true, value = true, text = true, table = true, spec = true, seconds = true, run = true, pred = true,
  node = true, format = true, condition = true, jobRunId = true, status = true, renames = true }

-- Why a procsh error table breaks the contract, or nil.
local function error_problem(e, fname)
  local kind, message = rawget(e, "kind"), rawget(e, "message")
  if type(kind) ~= "string" or kind == "" then return "error table without a string kind" end
  if not KINDS[kind] then return "unexpected kind '" .. kind .. "'" end
  if type(message) ~= "string" or message == "" then return "error table without a non-empty message" end
  if type(rawget(e, "retryable")) ~= "boolean" then return "error table without a boolean retryable" end
  if mtype(rawget(e, "attempts")) ~= "integer" then return "error table without an integer attempts" end
  if type(rawget(e, "details")) ~= "table" then return "error table without a details array" end
  if kind == "validation" then
    -- A request too long to send is found by the client, which does not know the argument.
    local fieldless = rawget(e, "code") == "requestTooLong"
    if not fieldless and (type(rawget(e, "field")) ~= "string" or rawget(e, "field") == "") then
      return "validation error without a field"
    end
    if not VALIDATION_CODES[rawget(e, "code")] then return "validation error with code " .. describe(rawget(e, "code")) end
    if rawget(e, "attempts") ~= 0 then return "validation error with attempts " .. describe(rawget(e, "attempts")) end
    if fieldless then return nil end
    local root = rawget(e, "field"):match("^[%a_][%w_]*")
    if not FIELD_ROOTS[root] then return "validation error whose field does not start with an argument's name" end
    if fname == "jobruns.create" and root ~= "processRun" then
      local request = rawget(e, "request")
      if type(request) ~= "table" or rawget(e, "hint") ~= "nothing was sent" then
        return "jobruns.create validation error without request and hint 'nothing was sent'"
      end
    end
  elseif kind ~= "auth" or rawget(e, "status") then
    local request = rawget(e, "request")
    if type(request) ~= "table" or type(rawget(request, "method")) ~= "string" or type(rawget(request, "path")) ~= "string" then
      return kind .. " error without request.method and request.path"
    end
    if fname == "jobruns.create" and (type(rawget(e, "created")) ~= "table" or type(rawget(e, "notCreated")) ~= "table") then
      return "jobruns.create " .. kind .. " error without created and notCreated"
    end
  end
  local ok, line = pcall(tostring, e)
  if not ok or type(line) ~= "string" or not line:find("^" .. kind) then return "tostring(error) is " .. describe(line) end
  if not faults_active then
    local status = rawget(e, "status")
    if kind == "transport" or kind == "timeout" or (kind == "api" and type(status) == "number" and status >= 500) then
      return "transport, timeout or 5xx error with no fault injected"
    end
  end
  return nil
end

local function is_json_value(v, depth, seen)
  depth = depth or 0
  local t = type(v)
  if t == "nil" or t == "boolean" or t == "string" then return true end
  if t == "number" then return v == v and v ~= math.huge and v ~= -math.huge end
  if rawequal(v, NULL) then return true end
  if t ~= "table" or depth > 1001 then return false end
  seen = seen or {}
  if seen[v] then return false end
  seen[v] = true
  for k, x in next, v do
    if type(k) ~= "string" and mtype(k) ~= "integer" then return false end
    if not is_json_value(x, depth + 1, seen) then return false end
  end
  seen[v] = nil
  return true
end

local function is_node(v) return v == nil or (type(v) == "table") end

-- Result checks: nil when the results make sense for the call, else why not.
local CHECK = {}
local function table_with_id(r)
  if type(r[1]) ~= "table" then return "returned " .. type(r[1]) .. ", not a table" end
  if type(rawget(r[1], "id")) ~= "string" then return "returned a table without a string id" end
end
CHECK["jobruns.create"] = function(r, args)
  if type(r[1]) ~= "table" then return "returned " .. type(r[1]) end
  if rawlen(r[1]) < 1 then return "returned an empty array" end
  for i = 1, rawlen(r[1]) do
    local job = rawget(r[1], i)
    if type(job) ~= "table" or type(rawget(job, "id")) ~= "string" then return "item " .. i .. " has no string id" end
  end
end
CHECK["jobruns.sendTask"] = function(r)
  if type(r[1]) ~= "table" or rawget(r[1], "action") ~= "sendTask" or type(rawget(r[1], "arguments")) ~= "table" then
    return "returned " .. describe(r[1])
  end
end
CHECK["jobruns.contentRequest"] = function(r)
  if type(r[1]) ~= "table" or rawget(r[1], "action") ~= "contentRequest" or type(rawget(r[1], "arguments")) ~= "table" then
    return "returned " .. describe(r[1])
  end
end
CHECK["processruns.get"] = table_with_id
CHECK["processes.get"] = table_with_id
CHECK["processes.create"] = table_with_id
CHECK["processes.run"] = table_with_id
CHECK["processruns.find"] = function(r)
  if not is_node(r[1]) or not is_node(r[2]) then return "returned " .. describe(r[1]) .. ", " .. describe(r[2]) end
end
CHECK["processruns.isgroup"] = function(r)
  if type(r[1]) ~= "boolean" then return "returned " .. describe(r[1]) .. ", not a boolean" end
end
CHECK["processruns.label"] = function(r)
  if r[1] ~= nil and type(r[1]) ~= "string" then return "returned " .. type(r[1]) .. " " .. describe(r[1]) .. ", not a string or nil" end
end
CHECK["processruns.tree"] = function(r)
  if type(r[1]) ~= "string" then return "returned " .. type(r[1]) end
end
for _, f in ipairs { "processruns.each", "processruns.jobs", "processruns.groups", "processes.list" } do
  CHECK[f] = function(r)
    if type(r[1]) ~= "function" then return "returned " .. type(r[1]) .. ", not an iterator" end
  end
end
CHECK["json.encode"] = function(r)
  if type(r[1]) ~= "string" then return "returned " .. type(r[1]) end
  if not utf8.len(r[1]) then return "returned text that is not valid UTF-8" end
end
CHECK["json.decode"] = function(r)
  if not is_json_value(r[1]) then return "returned a value that is not JSON-like: " .. describe(r[1]) end
end
CHECK["json.array"] = function(r, args, n)
  if type(r[1]) ~= "table" then return "returned " .. type(r[1]) end
  if n >= 1 and type(args[1]) == "table" and not rawequal(r[1], args[1]) then return "returned another table" end
  if not rawequal(getmetatable(r[1]), ARRAY_MT) then return "the result is not marked as an array" end
end
CHECK["procsh.inspect"] = function(r)
  if type(r[1]) ~= "string" then return "returned " .. type(r[1]) end
end
CHECK["procsh.iserror"] = function(r, args)
  if type(r[1]) ~= "boolean" then return "returned " .. type(r[1]) end
end
local function returns_nothing(r)
  if r.n ~= 0 then return "returned " .. r.n .. " values" end
end
for _, f in ipairs { "procsh.sleep", "procsh.help", "log.debug", "log.info", "log.warn", "log.error",
  "sandbox.reset", "sandbox.faults" } do
  CHECK[f] = returns_nothing
end

-- The watchdog: a call whose Lua parts run longer than 10 s of CPU, or make
-- Lua's memory grow by more than MEMORY_CAP KB, raises HANG or MEMORY.
local deadline, memory_limit = nil, nil
local clock, memory = os.clock, collectgarbage
local MEMORY_CAP = 256 * 1024
debug.sethook(function()
  if deadline then
    if clock() > deadline then error(HANG, 0) end
    if memory("count") > memory_limit then
      memory("collect")
      if memory("count") > memory_limit then error(MEMORY, 0) end
    end
  end
end, "", 10000)
-- debug.sethook covers only the thread it is set on: coroutines made later
-- (the fuzzer's own, and coroutine.wrap in processruns.each/jobs/groups/find)
-- get the watchdog from these wrappers of coroutine.create and wrap.
local watchdog = debug.gethook()
local real_cocreate, real_cowrap = coroutine.create, coroutine.wrap
local sethook = debug.sethook
coroutine.create = function(f)
  if type(f) ~= "function" then return real_cocreate(f) end
  return real_cocreate(function(...) sethook(watchdog, "", 10000) return f(...) end)
end
coroutine.wrap = function(f)
  if type(f) ~= "function" then return real_cowrap(f) end
  return real_cowrap(function(...) sethook(watchdog, "", 10000) return f(...) end)
end

local function arm()
  deadline = clock() + 10
  memory_limit = memory("count") + MEMORY_CAP
end

local function judge_error(fname, e, argtext, had_garbage)
  if rawequal(e, SENTINEL) then
    sentinels = sentinels + 1
    return
  end
  if rawequal(e, HANG) or rawequal(e, MEMORY) then memory("collect") memory("collect") end
  local tag = had_garbage and " [garbage metamethod]" or ""
  if rawequal(e, HANG) then
    finding(fname, "hang (still running after 10 s of CPU)" .. tag, "", argtext, "")
  elseif rawequal(e, MEMORY) then
    finding(fname, "runaway memory (Lua memory grew by more than 256 MB)" .. tag, "", argtext, "")
  elseif iserror(e) then
    typed_errors = typed_errors + 1
    local problem = error_problem(e, fname)
    if problem then
      local ok, line = pcall(tostring, e)
      finding(fname, problem .. tag, ok and line or "?", argtext)
    end
  elseif type(e) == "string" then
    if fname:match("^log%.") and e:find("to 'log%.%a+'") then return end  -- documented: string.format's error
    finding(fname, "plain string error" .. tag, e, argtext)
  elseif type(e) == "table" then
    finding(fname, "error is a table that is not a procsh error" .. tag, describe(e), argtext)
  else
    finding(fname, "error value of type " .. type(e) .. tag, describe(e), argtext)
  end
end

local function run_iterator(fname, iter, argtext, had_garbage, steps)
  for _ = 1, steps do
    calls = calls + 1
    arm()
    local r = table.pack(pcall(iter))
    deadline = nil
    if not r[1] then
      judge_error(fname .. " (iterator)", r[2], argtext, had_garbage)
      return
    end
    if r[2] == nil then return end
    if type(r[2]) ~= "table" then
      finding(fname .. " (iterator)", "iterator gave " .. type(r[2]) .. ", not a table" ..
        (had_garbage and " [garbage metamethod]" or ""), describe(r[2]), argtext)
      return
    end
    if fname == "processes.list" and type(rawget(r[2], "id")) ~= "string" then
      finding(fname .. " (iterator)", "a process without a string id", describe(r[2]), argtext)
    end
  end
end

local in_coroutine = false

-- Calls fname with args[1..n] and judges what happens.
local function invoke(fname, fn, args, n, had_garbage)
  calls = calls + 1
  by_function[fname] = (by_function[fname] or 0) + 1
  local cpu0 = clock()
  local argtext = nil
  if TRACE then io.stderr:write(format("call %d: %s%s\n", calls, fname, describe_args(args, n))) io.stderr:flush() end
  local started = os.time()
  local r
  arm()
  if in_coroutine then
    local co = coroutine.create(function() return fn(table.unpack(args, 1, n)) end)
    r = table.pack(coroutine.resume(co, table.unpack(args, 1, n)))
    if coroutine.status(co) == "suspended" and not had_garbage then
      deadline = nil
      finding(fname, "the call yielded to the script's coroutine", describe(r[2]), describe_args(args, n))
      return r
    end
  else
    r = table.pack(pcall(fn, table.unpack(args, 1, n)))
  end
  deadline = nil
  cpu_by_function[fname] = (cpu_by_function[fname] or 0) + clock() - cpu0
  local took = os.time() - started
  if took >= 8 and not faults_active then
    argtext = argtext or describe_args(args, n)
    finding(fname, "slow call", took .. " s", argtext, "")
  end
  if not r[1] then
    judge_error(fname, r[2], describe_args(args, n), had_garbage)
    return r
  end
  local results = table.pack(table.unpack(r, 2, r.n))
  local check = CHECK[fname]
  local problem = check and check(results, args, n)
  if problem then
    finding(fname, "wrong result" .. (had_garbage and " [garbage metamethod]" or ""), problem, describe_args(args, n))
  elseif type(results[1]) == "function" and (fname:match("^processruns%.") or fname == "processes.list") then
    run_iterator(fname, results[1], describe_args(args, n), had_garbage, fname == "processes.list" and 5 or 400)
  end
  return r
end

---------------------------------------------------------------------------
-- Argument plans: plausible arguments per function (and random ones for the rest).
---------------------------------------------------------------------------

local function generic_args()
  local n = R(0, 4)
  local args = {}
  for i = 1, n do args[i] = gen(2) end
  return args, n
end

local PLANS = {}
PLANS["jobruns.create"] = function()
  local opts = opts_create()
  return { id_arg(RUN_POOL), jobs_arg(), opts }, (opts == nil and chance(0.5)) and 2 or 3
end
PLANS["jobruns.sendTask"] = function()
  local a = flat_args("sendTask")
  if chance(0.6) then a = mutate(a) end
  return { a }, 1
end
PLANS["jobruns.contentRequest"] = function()
  local a = flat_args("contentRequest")
  if chance(0.6) then a = mutate(a) end
  return { a }, 1
end
PLANS["processruns.get"] = function()
  local opts = opts_generic({ "excludeGeneratedJobs" }, { excludeGeneratedJobs = BOOLS })
  return { id_arg(RUN_POOL), opts }, opts and 2 or 1
end
PLANS["processruns.find"] = function() return { tree_arg(), pred_arg() }, 2 end
for _, f in ipairs { "each", "jobs", "groups", "tree" } do
  PLANS["processruns." .. f] = function() return { tree_arg() }, 1 end
end
for _, f in ipairs { "isgroup", "label" } do
  PLANS["processruns." .. f] = function()
    if chance(0.6) and #KNOWN.nodes > 0 then return { pick(KNOWN.nodes) }, 1 end
    return { chance(0.5) and made_up_node(1) or tree_arg() }, 1
  end
end
PLANS["processes.list"] = function()
  local opts = opts_generic({ "filter", "orderBy", "pageSize" }, {
    filter = { "name contains 'Q4'", "name eq 'Q4 close'", "name eq '", "' or 1=1", "name contains ''''", "",
      "name", "name contains 'é'", "name eq 'x' and name eq 'y'", "\0", "name contains '\xff'" },
    orderBy = { "name", "name desc", "run.created.dateTime desc", "bogus", "name asc desc", "", "name,name" },
    pageSize = { 1, 2, 1000, 0, 1001, -1, 1.5, "2" },
  })
  return { opts }, opts and 1 or R(0, 1)
end
PLANS["processes.get"] = function()
  local opts = opts_generic({ "excludeGeneratedJobs" }, { excludeGeneratedJobs = BOOLS })
  return { id_arg(PROCESS_POOL), opts }, opts and 2 or 1
end
PLANS["processes.create"] = function() return { process_definition() }, 1 end
PLANS["processes.run"] = function()
  local opts = opts_generic({ "sendProcessCompleteEmail" }, { sendProcessCompleteEmail = BOOLS })
  return { id_arg(PROCESS_POOL), opts }, opts and 2 or 1
end
PLANS["json.encode"] = function()
  local v = chance(0.5) and gen_json(3) or gen(3)
  local r = R(5)
  if r == 1 then return { v, { pretty = true } }, 2 end
  if r == 2 then return { v, opts_generic({ "pretty" }, { pretty = BOOLS }) }, 2 end
  return { v }, 1
end
PLANS["json.decode"] = function()
  if chance(0.9) then return { json_text() }, 1 end
  return { gen(1) }, R(0, 2)
end
PLANS["json.array"] = function()
  local r = R(4)
  if r == 1 then return {}, 0 end
  if r == 2 then return { { 1, 2 } }, 1 end
  return { gen(2) }, 1
end
PLANS["procsh.inspect"] = function()
  local v = chance(0.3) and tree_arg() or gen(3)
  if chance(0.5) then return { v }, 1 end
  return { v, opts_generic({ "depth", "items", "raw" }, {
    depth = { 0, 1, 4, 100, -1, 0.5, math.huge, 0 / 0, "2" }, items = { 0, 1, 50, -5, 2.5, math.huge, "3" },
    raw = BOOLS }) }, 2
end
PLANS["procsh.iserror"] = function()
  if #API_ERRORS > 0 and chance(0.3) then return { pick(API_ERRORS) }, 1 end
  return { gen(2) }, R(0, 2)
end
PLANS["procsh.sleep"] = function()  -- only tiny or invalid values: a real sleep would stall the run
  return { pick { 0, 0.0, -0.0, 1e-9, 1e-6, 0.0001, 5e-324, -1, -1e-9, -math.huge, math.huge, 0 / 0, "0",
    "0.001", {}, nil, true, NULL, math.mininteger, -0.5, io.stdout, print, -2 ^ 63 } }, R(0, 2)
end
PLANS["procsh.help"] = function()
  local r = R(4)
  if r == 1 then return {}, 0 end
  if r == 2 then local f = pick(FUNCS) return { MOD[f.module][f.key] }, 1 end
  if r == 3 then return { chance(0.5) and pick(FUNCS).name or misspell(pick(FUNCS).name) }, 1 end
  return { gen(2) }, 1
end
local function log_plan()
  local fmt = pick { "%s", "%d", "%q", "%5.1f", "%x", "x=%s y=%s", "%", "%z", "100%", "%c", "plain", "%-99s",
    "%s %s %s" }
  if chance(0.3) then fmt = gen(1) end
  if type(fmt) == "string" and #fmt > 40 then fmt = fmt:sub(1, 40) end
  local n = R(1, 3)
  local args = { fmt }
  for i = 2, n do
    local v = gen(1)
    if type(v) == "string" and #v > 30 then v = v:sub(1, 30) end
    args[i] = v
  end
  return args, n
end
for _, l in ipairs { "debug", "info", "warn", "error" } do PLANS["log." .. l] = log_plan end
PLANS["sandbox.faults"] = function()
  if chance(0.1) then return { gen(1) }, R(0, 2) end
  return { fault_spec() }, 1
end
PLANS["sandbox.reset"] = function() return {}, R(0, 1) end

-- How often each function is picked (1 when not listed).
local WEIGHT = {
  ["jobruns.create"] = 6, ["jobruns.sendTask"] = 3, ["jobruns.contentRequest"] = 3, ["processruns.get"] = 2,
  ["processruns.find"] = 3, ["processruns.tree"] = 2, ["processes.create"] = 3, ["processes.run"] = 1.5,
  ["processes.list"] = 0.7, ["json.encode"] = 3, ["json.decode"] = 3, ["procsh.inspect"] = 3,
  ["procsh.sleep"] = 0.4, ["procsh.help"] = 0.4, ["log.debug"] = 0.05, ["log.info"] = 0.03, ["log.warn"] = 0.03,
  ["log.error"] = 0.03, ["sandbox.reset"] = 0.2, ["sandbox.faults"] = 0.8,
}
local total_weight = 0
for _, f in ipairs(FUNCS) do
  f.weight = WEIGHT[f.name] or 1
  total_weight = total_weight + f.weight
end
local function pick_function()
  local x = R() * total_weight
  for _, f in ipairs(FUNCS) do
    x = x - f.weight
    if x <= 0 then return f end
  end
  return FUNCS[#FUNCS]
end

---------------------------------------------------------------------------
-- JSON: decode against the reference, and round trips.
---------------------------------------------------------------------------

-- The dedupe key of a differential JSON finding: whether non-ASCII object
-- keys are involved (Swift compares strings by canonical equivalence).
local function key_class(v, seen)
  if type(v) == "string" then return v:find("[\128-\255]") and "non-ASCII text" or "ASCII text" end
  if type(v) ~= "table" then return "ASCII keys" end
  seen = seen or {}
  if seen[v] then return "ASCII keys" end
  seen[v] = true
  for k, x in next, v do
    if type(k) == "string" and k:find("[\128-\255]") then return "non-ASCII keys" end
    if type(x) == "table" and key_class(x, seen) == "non-ASCII keys" then return "non-ASCII keys" end
  end
  return "ASCII keys"
end

local function fuzz_decode()
  local text = json_text()
  calls = calls + 1
  by_function["json.decode"] = (by_function["json.decode"] or 0) + 1
  arm()
  local ok, v = pcall(json_decode, text)
  deadline = nil
  local argtext = describe(text)
  if not ok then
    judge_error("json.decode", v, "(" .. argtext .. ")", false)
    if iserror(v) then
      local msg = rawget(v, "message")
      if rawget(v, "field") ~= "text" or rawget(v, "code") ~= "invalidValue" then
        finding("json.decode", "error for bad JSON text is not field=text, code=invalidValue", tostring(v), argtext)
      elseif type(msg) == "string" then
        local line, column = msg:match("^not valid JSON: line (%d+), column (%d+): .")
        if not line then
          finding("json.decode", "error message without 'line L, column C: reason'", msg, argtext)
        else
          local _, newlines = text:gsub("\n", "")
          if tonumber(line) > newlines + 1 or tonumber(column) > #text + 1 then
            finding("json.decode", "error position outside the text", msg, argtext)
          end
        end
      end
    end
  elseif not is_json_value(v) then
    finding("json.decode", "decoded a value that is not JSON-like", describe(v), argtext)
  end
  if #text > 65536 then return end
  local rok, rv = ref_decode(text)
  if rok ~= ok then
    finding("json.decode", ok and "accepts text the reference parser rejects" or "rejects text the reference parser accepts",
      ok and describe(v) or tostring(v), argtext, key_class(text))
  elseif ok then
    local d = json_diff(rv, v)
    -- json.decode counts keys that are the same text in different Unicode
    -- forms as one key, the last one winning, as it does for repeated keys
    -- (docs/lua-api.md); the byte-wise reference parser keeps both.
    if d and key_class(text) ~= "non-ASCII text" then
      finding("json.decode", "decoded value differs from the reference parser's", d, argtext, key_class(text))
    end
    -- what decode returns, encode takes, and gives back
    local eok, again = pcall(json_encode, v)
    if not eok then
      finding("json.encode", "refuses a value json.decode returned", tostring(again), argtext)
    else
      local dok, w = pcall(json_decode, again)
      local d2 = dok and json_diff(v, w)
      if not dok or d2 then
        finding("json.decode", "decode(encode(decode(text))) differs", dok and d2 or tostring(w), argtext, key_class(text))
      end
    end
  end
end

local function fuzz_roundtrip()
  garbage = false
  local v = gen_json(4)
  calls = calls + 3
  arm()
  local ok1, fast = pcall(json_encode, v)
  local ok2, swift = pcall(json_encode, v, {})
  local ok3, pretty = pcall(json_encode, v, { pretty = true })
  deadline = nil
  local argtext = "(" .. describe(v) .. ")"
  for _, r in ipairs { { ok1, fast }, { ok2, swift }, { ok3, pretty } } do
    if not r[1] then judge_error("json.encode", r[2], argtext, false) end
  end
  if ok1 ~= ok2 then
    finding("json.encode", "fast path and Swift path disagree on whether the value has a JSON form",
      tostring(ok1 and swift or fast), argtext, key_class(v))
    return
  end
  if not ok1 then
    if not is_json_value(v) then return end
    -- only nesting over the limit may fail here
    -- only nesting over the limit, or two keys that are the same text in
    -- different Unicode forms (refused rather than merged), may fail here
    local msg = tostring(iserror(fast) and rawget(fast, "message") or "")
    if not (msg:find("nested more than") or msg:find("same text in different Unicode forms")) then
      finding("json.encode", "refuses a value that has a JSON form", tostring(fast), argtext)
    end
    return
  end
  if fast ~= swift then
    local i = 1
    while fast:byte(i) == swift:byte(i) do i = i + 1 end
    finding("json.encode", "fast path (C) and Swift path write different text",
      format("at byte %d: C %s vs Swift %s", i, describe(fast:sub(i, i + 30)), describe(swift:sub(i, i + 30))), argtext,
      key_class(v))
  end
  calls = calls + 2
  local dok, back = pcall(json_decode, fast)
  if not dok then
    finding("json.decode", "cannot decode what json.encode wrote", tostring(back), argtext)
    return
  end
  local d = json_diff(v, back)
  if d then finding("json.decode", "decode(encode(v)) differs from v", d, argtext, key_class(v)) end
  local pok, pback = pcall(json_decode, pretty)
  local d2 = pok and json_diff(back, pback)
  if not pok or d2 then
    finding("json.decode", "pretty text decodes differently", pok and d2 or tostring(pback), argtext, key_class(v))
  end
  if #fast <= 65536 then
    local rok, rv = ref_decode(fast)
    local d3 = rok and json_diff(v, rv)
    if not rok or d3 then
      finding("json.encode", "reference parser reads the text back differently", rok and d3 or "rejected", argtext, key_class(v))
    end
  end
end

---------------------------------------------------------------------------
-- The main loop.
---------------------------------------------------------------------------

local FAULT_WINDOWS = { "latency=1ms", "500-after-commit=0.3", "reset-after-commit=0.3", "500=0.2,latency=1ms", "reset=0.2" }
local fault_window, window_spec = 0, nil
local accepted_specs = {}

-- jobruns.create with an id of tens of KB in its URL ends procsh (AsyncHTTPClient's
-- "request body producing can not start..." fatal error when the sandbox refuses
-- the head early): in-process such ids are cut to ID_LIMIT bytes, and the long
-- ones seen are tried in a child process at the end.
local ID_LIMIT = 16384
local long_ids = {}
local function clamp_ids(args, n)
  local function clamp(v, where)
    if type(v) == "string" and #v > ID_LIMIT then
      long_ids[#long_ids + 1] = { where = where, length = #v }
      return v:sub(1, ID_LIMIT)
    end
    if type(v) == "table" and not getmetatable(v) and type(rawget(v, "id")) == "string" and #rawget(v, "id") > ID_LIMIT then
      long_ids[#long_ids + 1] = { where = where, length = #rawget(v, "id") }
      return { id = rawget(v, "id"):sub(1, ID_LIMIT) }
    end
    return v
  end
  args[1] = clamp(args[1], "processRun")
  local opts = args[3]
  if n >= 3 and type(opts) == "table" and not getmetatable(opts) then
    for _, k in ipairs { "relativeSibling", "relativeSiblingId", "parentGroup", "parentGroupId" } do
      rawset(opts, k, clamp(rawget(opts, k), "opts." .. k))
    end
  end
end

local started_clock, started_time = clock(), os.time()
real_faults("")
real_reset()
refresh_run()

local function iteration(i)
  if i % 40 == 0 then
    real_reset()
    refresh_run()
  end
  if fault_window == 0 and chance(0.002) then
    window_spec = pick(FAULT_WINDOWS)
    real_faults(window_spec)
    faults_active = true
    fault_window = 3
  end

  local f = pick_function()
  garbage, bigused = false, false
  local args, n
  if PLANS[f.name] and chance(0.75) then args, n = PLANS[f.name]()
  else args, n = generic_args() end
  if chance(0.05) then
    local extra = R(1, 3)
    for j = n + 1, n + extra do args[j] = gen(1) end
    n = n + extra
  end
  if f.name == "procsh.sleep" and type(args[1]) == "number" and args[1] > 1e-3 then
    args[1] = args[1] == math.huge and args[1] or 1e-4  -- a real sleep would stall the run; huge ones run in a child
  end
  if f.name == "processruns.wait" and (args[3] == nil or type(args[3]) == "table") then
    -- a real wait (600 s by default) would stall the run: a few reads at most
    local opts = args[3] or {}
    args[3], n = opts, math.max(n, 3)
    local t, i = rawget(opts, "timeout"), rawget(opts, "interval")
    if t == nil or (type(t) == "number" and t > 0.05) then rawset(opts, "timeout", 0.05) end
    if i == nil or (type(i) == "number" and i > 0.01) then rawset(opts, "interval", 0.01) end
  end
  if f.name == "jobruns.create" then clamp_ids(args, n) end
  if (f.module == "log") then  -- keep log lines short
    for j = 1, n do if type(args[j]) == "string" and #args[j] > 40 then args[j] = args[j]:sub(1, 40) end end
  end
  local had_garbage = garbage
  in_coroutine = chance(0.08)

  local fn = MOD[f.module][f.key]
  if f.module == "procsh" and LAZY[f.key] and chance(0.02) then fn = LAZY[f.key] end
  if f.name == "procsh.help" then _G.print = function() end end
  local r = invoke(f.name, fn, args, n, had_garbage)
  if f.name == "procsh.help" then _G.print = realprint end

  if f.name == "sandbox.faults" then
    if r[1] and n >= 1 and type(args[1]) == "string" and args[1]:find("latency") then
      accepted_specs[#accepted_specs + 1] = args[1]
    end
    real_faults(fault_window > 0 and window_spec or "")
  end
  if not r[1] and iserror(r[2]) and #API_ERRORS < 30 then API_ERRORS[#API_ERRORS + 1] = r[2] end
  if r[1] and type(r[2]) == "table" then
    if f.name == "processes.run" then remember(KNOWN.runs, rawget(r[2], "id")) end
    if f.name == "processes.create" then remember(KNOWN.processes, rawget(r[2], "id")) end
  end
  if bigused or f.name == "processes.create" and LABEL[args[1]] then real_reset() end

  local cpu0 = clock()
  fuzz_decode()
  local cpu1 = clock()
  fuzz_roundtrip()
  cpu_by_function["(json decode fuzz)"] = (cpu_by_function["(json decode fuzz)"] or 0) + cpu1 - cpu0
  cpu_by_function["(json round trips)"] = (cpu_by_function["(json round trips)"] or 0) + clock() - cpu1

  if fault_window > 0 then
    fault_window = fault_window - 1
    if fault_window == 0 then
      real_faults("")
      faults_active = false
    end
  end
end

for i = 1, ITERATIONS do
  local ok, err = xpcall(iteration, debug.traceback, i)
  deadline = nil
  _G.print = realprint
  if not ok then
    internal_errors = internal_errors + 1
    if internal_errors <= 5 then write("fuzzer internal error (iteration " .. i .. "): " .. tostring(err) .. "\n") end
    real_faults("")
    faults_active, fault_window = false, 0
  end
  if VERBOSE and i % 1000 == 0 then
    write(format("... %d iterations, %d calls, %.1f s CPU, %d KB Lua memory\n", i, calls, clock() - started_clock,
      math.floor(collectgarbage("count"))))
  end
end
debug.sethook()
coroutine.create, coroutine.wrap = real_cocreate, real_cowrap
real_faults("")
real_reset()

---------------------------------------------------------------------------
-- Child probes: calls that end the process if they go wrong, run in a child procsh.
---------------------------------------------------------------------------

local function procsh_path()
  local i, path = -1, nil
  while arg[i] ~= nil do path = arg[i] i = i - 1 end
  return path
end

local function shell_quote(s) return "'" .. s:gsub("'", "'\\''") .. "'" end

local function child(name, code, argtext)
  local exe = procsh_path()
  if not exe or not io.popen then return end
  local command = "SWIFT_BACKTRACE=enable=no timeout -s KILL 20 " .. shell_quote(exe) ..
    " --sandbox --request-timeout 1 --timeout 3 -e " .. shell_quote(code) .. " 2>&1; echo \"__status=$?\""
  local pipe = io.popen(command)
  local out = pipe:read("a")
  pipe:close()
  calls = calls + 1
  local status = tonumber(out:match("__status=(%d+)%s*$"))
  out = out:gsub("__status=%d+%s*$", "")
  local fatal = out:match("([^\n]*Fatal error[^\n]*)")
  if status == 137 and not fatal then
    finding(name, "hang (the child was killed after 20 s)", out:sub(1, 300),
      argtext .. "  [child: procsh --sandbox -e " .. shell_quote(code) .. "]")
  elseif fatal or (status and status >= 128) then
    finding(name, "procsh crashed (status " .. tostring(status) .. ")", fatal or out:sub(1, 300),
      argtext .. "  [child: procsh --sandbox -e " .. shell_quote(code) .. "]")
  elseif VERBOSE then
    write(format("probe %s %s: status %s\n", name, argtext, tostring(status)))
  end
end

if PROBES then
  -- procsh.sleep with a number too large to sleep for in-process
  local big = pick { 2 ^ 63, 1e19, 1e300, math.maxinteger, 9.3e18, 1.8e308, 10 ^ R(19, 300), 2 ^ 62 * 3 }
  child("procsh.sleep", format("procsh.sleep(%s)", format("%.17g", big)), "(" .. describe(big) .. ")")
  -- the latency faults sandbox.faults accepted during the run, then one request
  local specs = {}
  for _, s in ipairs(accepted_specs) do
    if s:find("inf") or s:find("e%d%d") or s:find("99999") then specs[#specs + 1] = s end
  end
  if #specs == 0 then specs[1] = pick { "latency=inf", "latency=1e300s", "latency=1e25s" } end
  for k = 1, math.min(2, #specs) do
    local spec = specs[R(#specs)]
    child("sandbox.faults", format("sandbox.faults(%q) pcall(processruns.get, 'demo-run')", spec),
      "(" .. describe(spec) .. ") then processruns.get")
  end
  -- jobruns.create with a very long id in the URL (one that the run cut short, if any)
  local long = #long_ids > 0 and pick(long_ids) or { where = pick { "processRun", "opts.parentGroup" }, length = R(66000, 200000) }
  local call = long.where == "processRun"
    and format("jobruns.create(string.rep('x', %d), jobruns.sendTask{ assignee = 'user123', title = 'T' })", long.length)
    or format("jobruns.create('demo-run', jobruns.sendTask{ assignee = 'user123', title = 'T' }, { %s = string.rep('x', %d) })",
      long.where:match("[%w]+$"), long.length)
  child("jobruns.create", "pcall(function() " .. call .. " end)", format("(%s of %d bytes)", long.where, long.length))
  -- a failing conversion of a deep table while the Lua stack is nearly full
  local pad, levels = R(998500, 999500), R(900, 999)
  child("json.encode", format("local t={} local d=t for i=1,%d do d.a={} d=d.a end d.f=print " ..
    "print(coroutine.resume(coroutine.create(function(...) return pcall(json.encode,t) end), table.unpack({},1,%d)))",
    levels, pad), format("(<%d nested tables with a function at the bottom>) with %d values on the Lua stack", levels, pad))
end

---------------------------------------------------------------------------
-- Summary.
---------------------------------------------------------------------------

if VERBOSE then
  local names = {}
  for name in pairs(cpu_by_function) do names[#names + 1] = name end
  table.sort(names)
  for _, name in ipairs(names) do
    write(format("  %-26s %6d calls %7.2f s CPU\n", name, by_function[name] or 0, cpu_by_function[name]))
  end
  write(format("sentinel errors passed through: %d\n", sentinels))
end
for _, f in ipairs(findings) do
  if f.count > 1 then write(format("finding %s: %s seen %d times\n", f.fname, f.category, f.count)) end
end
if internal_errors > 0 then write(format("fuzzer internal errors: %d\n", internal_errors)) end
write(format("seed %d, %d iterations, %.1f s CPU, %d s wall\n", SEED, ITERATIONS, clock() - started_clock,
  os.time() - started_time))
-- A metamethod of the fuzzer's that returns garbage (rather than raising) can
-- make Lua itself complain inside a binding ("'__tostring' must return a
-- string"); that is the script's bug showing, so it is reported, not counted.
local counted, garbage_only = 0, 0
for _, f in ipairs(findings) do
  if f.category:find("garbage metamethod", 1, true) then garbage_only = garbage_only + 1 else counted = counted + 1 end
end
write(format("bindings fuzz: %d calls, %d errors (all typed), %d findings (and %d caused by the fuzzer's garbage metamethods)\n",
  calls, typed_errors, counted, garbage_only))
io.stdout:flush()
os.exit(counted == 0 and internal_errors == 0 and 0 or 1)
