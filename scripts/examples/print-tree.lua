#!/usr/bin/env procsh
-- print-tree.lua: a process run's tree and a count of its job runs by status.
--
--   procsh --sandbox scripts/examples/print-tree.lua [run]

local run = processruns.get(arg[1] or "demo-run")
print(processruns.tree(run))

local counts, statuses = {}, {}
for job in processruns.jobs(run) do
  local status = job.status or "?"
  if not counts[status] then statuses[#statuses + 1] = status end
  counts[status] = (counts[status] or 0) + 1
end
table.sort(statuses)
print()
for _, status in ipairs(statuses) do
  print(("%-10s %d"):format(status, counts[status]))
end
