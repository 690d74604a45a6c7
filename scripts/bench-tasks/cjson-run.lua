-- lua-cjson on a process run's answer, for the large-run comparison:
--   lua5.4 cjson-run.lua FILE          reads and decodes it (timed from outside)
--   lua5.4 cjson-run.lua FILE ROUNDS   prints the best encode of the decoded run, in ms
local cjson = require "cjson"
local f = assert(io.open(arg[1], "rb"))
local text = f:read("a")
f:close()
local run = cjson.decode(text)
local rounds = tonumber(arg[2])
if rounds then
  local best = math.huge
  for _ = 1, rounds do
    local start = os.clock()
    cjson.encode(run)
    best = math.min(best, os.clock() - start)
  end
  print(("%.3f"):format(best * 1000))
end
