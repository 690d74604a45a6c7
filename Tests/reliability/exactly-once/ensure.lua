-- ensure.lua: a cron job that must leave `count` job runs in the group
-- "group-review", each once, in order, however often it is killed and run
-- again (Tests/EndToEndTests/ExactlyOnceTests.swift kills it at random
-- moments). No recovery code of its own: jobruns.ensure reads the run and
-- creates only what is missing, where it belongs.
--
--   procsh ensure.lua count prefix [batchSize]

local count = tonumber(arg[1]) or 200
local prefix = arg[2] or "Ensured"
local batchSize = tonumber(arg[3]) or 10

local jobs = {}
for i = 1, count do
  jobs[i] = jobruns.sendTask{ assignee = "user123", title = ("%s %04d"):format(prefix, i) }
end

local jobRuns, created = jobruns.ensure("demo-run", jobs, { parentGroup = "group-review", batchSize = batchSize })
print(("ensured %d job runs: created %d, found %d"):format(#jobRuns, created, #jobRuns - created))
