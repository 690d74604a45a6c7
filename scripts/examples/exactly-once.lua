#!/usr/bin/env procsh
-- exactly-once.lua: make sure a set of review tasks stands in a run, each
-- once, however often this runs: from cron, again after a crash, or twice by
-- mistake.
--
--   procsh --sandbox scripts/examples/exactly-once.lua [count] [run] [group] [prefix]
--
-- jobruns.ensure reads the run and creates only the tasks that are not in the
-- group yet (same action and title), each where it belongs; it returns one
-- job run per task and how many it created. A run killed half-way and started
-- again creates only the rest. Answers lost on the way (a 500, a broken
-- connection) are looked into by reading the run, never blindly sent again.
--
-- With --sandbox it first asks the sandbox to lose some answers.

local count = tonumber(arg[1]) or 20
local run = arg[2] or "demo-run"
local group = arg[3] or "group-review"
local prefix = arg[4] or "Quarterly review"

if sandbox then
  sandbox.faults("500-after-commit=0.1,reset-after-commit=0.1,reset=0.1")
end

local tasks = {}
for i = 1, count do
  tasks[i] = jobruns.sendTask{ assignee = "user123", title = ("%s %02d"):format(prefix, i) }
end

local jobs, created = jobruns.ensure(run, tasks, { parentGroup = group, batchSize = 10 })
print(("ensured %d job runs in %s: created %d, found %d"):format(#jobs, group, created, #jobs - created))
