-- Every mistake is found before anything is sent, and named by its path.
local check = require "check"

local good = { action = "sendTask", arguments = { type = "sendTask", sendTaskArgs = { assignee = { id = "user123", type = "user" }, title = "T" } } }

local function copy(t)
  if type(t) ~= "table" then return t end
  local c = {}
  for k, v in pairs(t) do c[k] = copy(v) end
  return c
end

-- A good job with one change made by `edit`.
local function job(edit)
  local j = copy(good)
  edit(j)
  return j
end

-- Asserts create(run, jobs, opts) fails with `fields`, and that nothing was created.
local function rejects(fields, run, jobs, opts)
  local before = check.count(processruns.get("demo-run"))
  local e = check.fails(fields, jobruns.create, run, jobs, opts)
  check.eq(e.kind, "validation", "kind")
  check.eq(check.count(processruns.get("demo-run")), before, "job runs after a rejected create")
  return e
end

test("the process run argument", function()
  rejects({ field = "processRun", code = "wrongType" }, nil, { good })
  rejects({ field = "processRun", code = "wrongType" }, 42, { good })
  rejects({ field = "processRun", code = "emptyValue" }, "", { good })
  rejects({ field = "processRun", message = "no string 'id'" }, { name = "x" }, { good })
end)

test("the jobs argument", function()
  rejects({ field = "jobs", code = "wrongType" }, "demo-run", nil)
  rejects({ field = "jobs", code = "wrongType" }, "demo-run", "sendTask")
  rejects({ field = "jobs", code = "emptyValue" }, "demo-run", {})
  rejects({ field = "jobs[2]", message = "hole" }, "demo-run", { good, nil, good })
  rejects({ field = "jobs[1].arguments.sendTaskArgs.title", message = "function" },
    "demo-run", { job(function(j) j.arguments.sendTaskArgs.title = print end) })
end)

test("required fields", function()
  rejects({ field = "jobs[1].action", code = "missingField" }, "demo-run", { job(function(j) j.action = nil end) })
  rejects({ field = "jobs[1].arguments", code = "missingField" }, "demo-run", { job(function(j) j.arguments = nil end) })
  rejects({ field = "jobs[2].arguments.sendTaskArgs.assignee", code = "missingField" },
    "demo-run", { good, job(function(j) j.arguments.sendTaskArgs.assignee = nil end) })
  rejects({ field = "jobs[1].arguments.sendTaskArgs.title", code = "missingField" },
    "demo-run", { job(function(j) j.arguments.sendTaskArgs.title = nil end) })
  rejects({ field = "jobs[1].arguments.type", code = "missingField" },
    "demo-run", { job(function(j) j.arguments.type = nil end) })
  rejects({ field = "jobs[1].arguments.sendTaskArgs", code = "missingField" },
    "demo-run", { job(function(j) j.arguments.sendTaskArgs = nil end) })
  rejects({ field = "jobs[1].arguments.sendTaskArg", code = "unknownField", message = "did you mean 'sendTaskArgs'" },
    "demo-run", { job(function(j) j.arguments.sendTaskArg = j.arguments.sendTaskArgs; j.arguments.sendTaskArgs = nil end) })
end)

test("types and values", function()
  rejects({ field = "jobs[1].arguments.sendTaskArgs.title", code = "wrongType", message = "expected a string, got number 5" },
    "demo-run", { job(function(j) j.arguments.sendTaskArgs.title = 5 end) })
  rejects({ field = "jobs[1].arguments.sendTaskArgs.title", code = "emptyValue" },
    "demo-run", { job(function(j) j.arguments.sendTaskArgs.title = "" end) })
  rejects({ field = "jobs[1].arguments.sendTaskArgs.assignee", message = "expected a table of fields, got string 'user123'" },
    "demo-run", { job(function(j) j.arguments.sendTaskArgs.assignee = "user123" end) })
  rejects({ field = "jobs[1].arguments.sendTaskArgs.assignee.type", message = "did you mean 'user'" },
    "demo-run", { job(function(j) j.arguments.sendTaskArgs.assignee.type = "usr" end) })
  rejects({ field = "jobs[1].action", message = "did you mean 'sendTask'" },
    "demo-run", { job(function(j) j.action = "sendtask" end) })
  rejects({ field = "jobs[1].arguments.type", message = "not one of sendTask, contentRequest" },
    "demo-run", { job(function(j) j.arguments.type = "certification" end) })
  rejects({ field = "jobs[1].action", message = "does not match arguments.type" },
    "demo-run", { job(function(j) j.action = "contentRequest" end) })
  rejects({ field = "jobs[1].triggerType", code = "invalidValue" },
    "demo-run", { job(function(j) j.triggerType = "manual" end) })
end)

test("real dates only", function()
  for _, date in ipairs{ "2024-02-30", "2023-02-29", "2024-13-01", "2024-00-10", "24-12-15", "2024/12/15", "tomorrow", "2024-12-15T00:00:00Z" } do
    rejects({ field = "jobs[1].arguments.sendTaskArgs.dueDate", code = "invalidDate" },
      "demo-run", { job(function(j) j.arguments.sendTaskArgs.dueDate = date end) })
  end
  jobruns.create("demo-run", job(function(j) j.arguments.sendTaskArgs.dueDate = "2024-02-29" end))
end)

test("unknown fields, with a suggestion", function()
  local e = rejects({ field = "jobs[1].arguments.sendTaskArgs.titel", code = "unknownField" },
    "demo-run", { job(function(j) j.arguments.sendTaskArgs.titel = "x" end) })
  check.matches(e.message, "did you mean 'title'%?")
  check.matches(tostring(e), "^validation: jobs%[1%]%.arguments%.sendTaskArgs%.titel: unknown field 'titel'")
  rejects({ field = "jobs[1].triggertype", message = "did you mean 'triggerType'" },
    "demo-run", { job(function(j) j.triggertype = "whenEligible" end) })
  rejects({ field = "jobs[1].arguments.sendTaskArgs.dueDate2", code = "unknownField" },
    "demo-run", { job(function(j) j.arguments.sendTaskArgs.dueDate2 = "x" end) })
end)

test("a table that is neither array nor object", function()
  rejects({ field = "jobs.action", message = "mixes array items" }, "demo-run", { good, action = "sendTask" })
  local cyclic = job(function() end)
  cyclic.arguments.sendTaskArgs.assignee.self = cyclic
  rejects({ field = "jobs[1].arguments.sendTaskArgs.assignee.self", message = "cycle" }, "demo-run", { cyclic })
end)

test("options", function()
  rejects({ field = "opts.relativSibling", code = "unknownField", message = "did you mean 'relativeSibling'" },
    "demo-run", { good }, { relativSibling = "job-7" })
  rejects({ field = "opts", code = "wrongType" }, "demo-run", { good }, "job-7")
  rejects({ field = "opts.relativeSiblingId", message = "not both" },
    "demo-run", { good }, { relativeSibling = "job-7", relativeSiblingId = "job-7" })
  rejects({ field = "opts.before", message = "give relativeSibling" }, "demo-run", { good }, { before = false })
  rejects({ field = "opts.before", code = "wrongType" }, "demo-run", { good }, { relativeSibling = "job-7", before = "false" })
  rejects({ field = "opts.parentGroup", message = "no string 'id'" }, "demo-run", { good }, { parentGroup = {} })
  rejects({ field = "opts.batchSize", code = "invalidValue" }, "demo-run", { good }, { batchSize = 0 })
  rejects({ field = "opts.batchSize", code = "invalidValue" }, "demo-run", { good }, { batchSize = 1001 })
end)

test("one bad job among many sends nothing", function()
  local jobs = {}
  for i = 1, 250 do jobs[i] = jobruns.sendTask{ assignee = "user123", title = "Task " .. i } end
  jobs[237] = job(function(j) j.arguments.sendTaskArgs.assignee.id = "" end)
  rejects({ field = "jobs[237].arguments.sendTaskArgs.assignee.id", code = "emptyValue" }, "demo-run", jobs, { batchSize = 10 })
end)

test("processes.create checks its definition", function()
  check.fails({ kind = "validation", field = "process.name", code = "missingField" }, processes.create, { children = {} })
  check.fails({ field = "process.children[1].parallel", code = "missingField" }, processes.create,
    { name = "P", children = { { name = "G" } } })
  check.fails({ field = "process.children[1].children[1].arguments.sendTaskArgs.title", code = "missingField" }, processes.create,
    { name = "P", children = { { name = "G", parallel = false, children = {
      { action = "sendTask", arguments = { type = "sendTask", sendTaskArgs = { assignee = { id = "u", type = "user" } } } } } } } })
  check.fails({ field = "process.nmae", message = "did you mean 'name'" }, processes.create, { nmae = "P" })
end)

test("a create's validation error names the request that was not sent", function()
  local e = check.fails({ hint = "nothing was sent" }, jobruns.create, "demo-run", {})
  check.eq(e.request, { method = "POST", path = "/processRuns/demo-run/jobRuns" })
  check.matches(tostring(e), "%[POST /processRuns/demo%-run/jobRuns%]; nothing was sent$")
end)

test("procsh.null in options means not given", function()
  local created = jobruns.create("demo-run", good, { parentGroup = procsh.null, relativeSibling = "job-9", before = procsh.null })
  check.eq(created[1].ordinal, 4)
end)
