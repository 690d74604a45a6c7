-- Where jobruns.create puts new job runs (demo-run: job-1, job-7, group-review{job-11, job-12},
-- group-certification (read-only){job-21}, job-9).
local check = require "check"

local function task(title)
  return jobruns.sendTask{ assignee = "user123", title = title }
end

local function topIds()
  return check.ids(processruns.get("demo-run").children)
end

test("before a sibling is the default", function()
  local created = jobruns.create("demo-run", { task("A"), task("B") }, { relativeSibling = "job-7" })
  check.eq(check.ids(created), { "jobrun-1", "jobrun-2" })
  check.eq(created[1].ordinal, 1, "ordinal of A")
  check.eq(created[2].ordinal, 2, "ordinal of B")
  check.eq(topIds(), { "job-1", "jobrun-1", "jobrun-2", "job-7", "group-review", "group-certification", "job-9" })
end)

test("after a sibling", function()
  local created = jobruns.create("demo-run", { task("A"), task("B") }, { relativeSibling = "job-7", before = false })
  check.eq(check.ids(created), { "jobrun-1", "jobrun-2" })
  check.eq(topIds(), { "job-1", "job-7", "jobrun-1", "jobrun-2", "group-review", "group-certification", "job-9" })
end)

test("explicitly before a sibling", function()
  jobruns.create("demo-run", task("A"), { relativeSibling = "job-9", before = true })
  check.eq(topIds(), { "job-1", "job-7", "group-review", "group-certification", "jobrun-1", "job-9" })
end)

test("appended to the run's top level without options", function()
  local created = jobruns.create("demo-run", { task("A") })
  check.eq(created[1].ordinal, 5)
  check.eq(created[1].parent, nil, "parent of a top-level job run")
  check.eq(topIds(), { "job-1", "job-7", "group-review", "group-certification", "job-9", "jobrun-1" })
end)

test("appended into a group", function()
  local created = jobruns.create("demo-run", { task("A") }, { parentGroup = "group-review" })
  check.eq(created[1].parent, "group-review")
  check.eq(created[1].ordinal, 2)
  local group = processruns.find(processruns.get("demo-run"), "group-review")
  check.eq(check.ids(group.children), { "job-11", "job-12", "jobrun-1" })
end)

test("into a group after a sibling of that group", function()
  jobruns.create("demo-run", { task("A") }, { parentGroup = "group-review", relativeSibling = "job-11", before = false })
  local group = processruns.find(processruns.get("demo-run"), "group-review")
  check.eq(check.ids(group.children), { "job-11", "jobrun-1", "job-12" })
end)

test("a sibling alone places the jobs in the sibling's own group", function()
  local created = jobruns.create("demo-run", { task("A") }, { relativeSibling = "job-12" })
  check.eq(created[1].parent, "group-review")
  local group = processruns.find(processruns.get("demo-run"), "group-review")
  check.eq(check.ids(group.children), { "job-11", "jobrun-1", "job-12" })
end)

test("run, sibling and group given as tables from processruns.get", function()
  local run = processruns.get("demo-run")
  local group = processruns.find(run, { name = "Review" })
  local sibling = processruns.find(run, "job-11")
  local created = jobruns.create(run, task("A"), { parentGroup = group, relativeSibling = sibling, before = false })
  check.eq(created[1].parent, "group-review")
  check.eq(created[1].ordinal, 1)
end)

test("the API's own option names", function()
  jobruns.create("demo-run", task("A"), { relativeSiblingId = "job-1", before = false, parentGroupId = nil })
  check.eq(topIds()[2], "jobrun-1")
end)

test("the result has the fields of the API's answer", function()
  local created = jobruns.create("demo-run", jobruns.sendTask{
    assignee = "user123", title = "Review Q4 financial report", dueDate = "2024-12-15", approver = "manager456",
  }, { relativeSibling = "job-7", before = false })
  local job = created[1]
  check.eq(job.action, "sendTask")
  check.eq(job.triggerType, "whenEligible")
  check.eq(job.arguments.type, "sendTask")
  check.eq(job.arguments.sendTaskArgs.assignee, { id = "user123", type = "user" })
  check.eq(job.arguments.sendTaskArgs.approver, { id = "manager456", type = "user" })
  check.eq(job.arguments.sendTaskArgs.dueDate, "2024-12-15")
  check.eq(job.arguments.sendTaskArgs.title, "Review Q4 financial report")
end)
