-- Lua <-> JSON on four tables, timed in-process with os.clock: procsh's json
-- module, or lua-cjson under lua5.4 (the same script).
--   procsh json-bridge.lua ROUNDS      lua5.4 json-bridge.lua ROUNDS
-- Prints one line per table: name, encode ms, decode ms, bytes of JSON.
local codec = json or require "cjson"
local rounds = tonumber(arg[1]) or 5
if not json then
  codec.encode_max_depth(1100)
  codec.decode_max_depth(1100)
  -- lua-cjson writes at most 14 significant digits (i / 7 does not read
  -- back exactly); procsh writes the shortest text that does (up to 17).
  codec.encode_number_precision(14)
end

local tables = {}

-- 10,000 job specs as jobruns.create takes them: ASCII strings and integers.
local specs = {}
for i = 1, 10000 do
  specs[i] = { action = "sendTask", triggerType = "whenEligible",
    arguments = { type = "sendTask", sendTaskArgs = {
      assignee = { id = "user" .. i, type = "user" }, title = "Review item " .. i, dueDate = "2024-12-15" } } }
end
tables[#tables + 1] = { "10,000 job specs", specs }

-- 200,000 numbers that are not integers.
local floats = {}
for i = 1, 200000 do floats[i] = i / 7 end
tables[#tables + 1] = { "200,000 floats (i / 7)", floats }

-- 20,000 records of non-ASCII text (accents, CJK, emoji: 2-, 3- and 4-byte UTF-8).
local texts = {}
for i = 1, 20000 do
  texts[i] = { name = "Überprüfung des Berichts Nr. " .. i, note = "四半期報告書のレビュー " .. i,
    status = "✅ erledigt — prêt à signer 🎉" }
end
tables[#tables + 1] = { "20,000 records of non-ASCII text", texts }

-- 1,000 chains, each 900 levels deep (a tree walker's worst case).
local deep = {}
for i = 1, 1000 do
  local node = { leaf = i }
  for _ = 1, 900 do node = { child = node } end
  deep[i] = node
end
tables[#tables + 1] = { "1,000 chains 900 deep", deep }

local function best(f)
  local fastest = math.huge
  for _ = 1, rounds do
    local start = os.clock()
    f()
    fastest = math.min(fastest, os.clock() - start)
  end
  return fastest * 1000
end

for _, entry in ipairs(tables) do
  local name, value = entry[1], entry[2]
  local text = codec.encode(value)
  local encode = best(function() codec.encode(value) end)
  local decode = best(function() codec.decode(text) end)
  assert(#codec.decode(text) == #value)
  print(("%s\t%.2f\t%.2f\t%d"):format(name, encode, decode, #text))
end
