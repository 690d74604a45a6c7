-- create.lua: one plain jobruns.create of many job runs, with no recovery code
-- of its own (no pcall, no loop). Run against a sandbox that loses answers
-- (Tests/EndToEndTests/ExactlyOnceTests.swift): procsh must create each job
-- run once, at its place, whatever the faults.
--
--   procsh create.lua count placement prefix [batchSize]
--
-- placement: top (the end of the top level), group (the end of the group
-- "Review"), after-job (after the job "Prepare Q4 financial report"),
-- before-job (before it), group-after (in "Review", after its first job),
-- group-before (in "Review", before its first job).

local count = tonumber(arg[1]) or 1000
local placement = arg[2] or "top"
local prefix = arg[3] or "Exactly once"
local batchSize = tonumber(arg[4]) or 20

-- As a real script does: read the run to find the group and the sibling by name.
local run = processruns.get("demo-run")
local review, report
for _, node in ipairs(run.children) do
  if node.name == "Review" then review = node end
  local args = node.arguments and node.arguments.sendTaskArgs
  if args and args.title == "Prepare Q4 financial report" then report = node end
end
assert(review and report, "the demo data has the group Review and the job 'Prepare Q4 financial report'")
local first = review.children[1]

local opts = ({
  ["top"] = {},
  ["group"] = { parentGroup = review.id },
  ["after-job"] = { relativeSibling = report.id, before = false },
  ["before-job"] = { relativeSibling = report.id },
  ["group-after"] = { parentGroup = review.id, relativeSibling = first.id, before = false },
  ["group-before"] = { parentGroup = review.id, relativeSibling = first.id },
})[placement]
assert(opts, "unknown placement " .. placement)
opts.batchSize = batchSize

local jobs = {}
for i = 1, count do
  jobs[i] = jobruns.sendTask{ assignee = "user123", title = ("%s %04d"):format(prefix, i) }
end

local created, reconciled = jobruns.create(run.id, jobs, opts)

local found, sent = 0, 0
for _, r in ipairs(reconciled) do
  found, sent = found + r.found, sent + r.sent
end
print(("created %d job runs; reconciled %d batches: found %d, sent %d"):format(#created, #reconciled, found, sent))
