-- Lua <-> JSON of a 10,000-job table, timed in-process with os.clock:
-- procsh's json module, or lua-cjson under lua5.4 (the same script).
--   procsh json-bridge.lua ROUNDS      lua5.4 json-bridge.lua ROUNDS
local codec = json or require "cjson"
local name = json and "procsh json" or "lua-cjson"
local rounds = tonumber(arg[1]) or 5

local jobs = {}
for i = 1, 10000 do
  jobs[i] = { action = "sendTask", triggerType = "whenEligible",
    arguments = { type = "sendTask", sendTaskArgs = {
      assignee = { id = "user" .. i, type = "user" }, title = "Review item " .. i, dueDate = "2024-12-15" } } }
end
local text = codec.encode(jobs)

local function best(f)
  local fastest = math.huge
  for _ = 1, rounds do
    local start = os.clock()
    f()
    fastest = math.min(fastest, os.clock() - start)
  end
  return fastest * 1000
end

local encode = best(function() codec.encode(jobs) end)
local decode = best(function() codec.decode(text) end)
assert(#codec.decode(text) == 10000)
print(("%s\t%.2f\t%.2f\t%d"):format(name, encode, decode, #text))
