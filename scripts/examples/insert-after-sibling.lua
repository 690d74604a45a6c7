#!/usr/bin/env procsh
-- insert-after-sibling.lua: the createJobRuns example from Workiva's documentation.
-- Adds a review task and a content request to a running process run, right
-- after one of its job runs, and prints the run's tree before and after.
--
--   procsh --sandbox scripts/examples/insert-after-sibling.lua [run] [sibling]
--
-- With --sandbox it runs against the built-in sandbox (demo-run, job-7); with
-- WORKIVA_CLIENT_ID / WORKIVA_CLIENT_SECRET set it runs against Workiva.

local runID = arg[1] or "demo-run"
local siblingID = arg[2] or "job-7"

print("Before:")
print(processruns.tree(processruns.get(runID)))

local created = jobruns.create(runID, {
  jobruns.sendTask{
    assignee = "user123", title = "Review Q4 financial report", dueDate = "2024-12-15",
  },
  jobruns.contentRequest{
    assignee = "user789", approver = "manager456", title = "Fill in the variance commentary",
    document = "doc456", section = "section-id-123",
  },
}, { relativeSibling = siblingID, before = false })

print()
for _, job in ipairs(created) do
  print(("created %s (%s) at ordinal %d"):format(job.id, job.action, job.ordinal))
end

print()
print("After:")
print(processruns.tree(processruns.get(runID)))
