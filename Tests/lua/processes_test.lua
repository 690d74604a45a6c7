-- processes.list / get / create / run
local check = require "check"

test("list iterates lazily over every page", function()
  processes.create{ name = "Second" }
  processes.create{ name = "Third" }
  local names = {}
  for process in processes.list{ pageSize = 1, orderBy = "name" } do names[#names + 1] = process.name end
  check.eq(names, { "Q4 close", "Second", "Third" })
  local filtered = {}
  for process in processes.list{ filter = "name contains 'Q4'" } do filtered[#filtered + 1] = process.id end
  check.eq(filtered, { "demo-process" })
end)

test("get, create and run", function()
  check.eq(processes.get("demo-process").name, "Q4 close")
  local process = processes.create{ name = "Onboarding", children = {
    { name = "Paperwork", parallel = true, children = {
      jobruns.sendTask{ assignee = "user123", title = "Sign the contract" },
    } },
  } }
  check.matches(process.id, "^process%-")
  local run = processes.run(process, { sendProcessCompleteEmail = false })
  check.matches(run.id, "^run%-")
  local full = processruns.get(run)
  check.eq(check.count(full), 1)
  local created = jobruns.create(run, jobruns.sendTask{ assignee = "user123", title = "Welcome call" })
  check.eq(created[1].ordinal, 1)
end)

test("an empty table where the API takes an array is an empty array", function()
  local empty = processes.create{ name = "Empty", children = {} }
  check.eq(#(processes.get(empty).children or {}), 0)
  local process = processes.create{ name = "Groups", children = {
    { name = "Nothing yet", parallel = true, children = {} },
    { name = "Later", parallel = false, children = { { name = "Inner", parallel = false, children = {} } } },
  } }
  local got = processes.get(process)
  check.eq(#got.children, 2)
  check.eq(got.children[1].name, "Nothing yet")
  check.eq(#(got.children[1].children or {}), 0)
  check.eq(got.children[2].children[1].name, "Inner")
  -- A table of fields is still not an array; jobs = {} is still no jobs.
  check.fails({ kind = "validation", field = "process.children", message = "expected an array, got a table of fields" },
    processes.create, { name = "x", children = { name = "y" } })
  check.fails({ kind = "validation", field = "jobs", code = "emptyValue", message = "no job specs" }, jobruns.create, "demo-run", {})
end)

test("create: the process's options, and createProcess' own shape under root", function()
  local process = processes.create{
    name = "Options", dueDate = "2024-12-31", autoClose = true, certAutoApprove = false, relativeDates = true,
    businessDaysOfWeek = { "monday", "friday" }, businessStartDate = "2024-01-01",
    children = { jobruns.sendTask{ assignee = "user123", title = "Sign", approver = "manager456" } },
  }
  local got = processes.get(process)
  check.eq({ got.dueDate, got.autoClose, got.certAutoApprove, got.relativeDates, got.businessStartDate },
    { "2024-12-31", true, false, true, "2024-01-01" })
  check.eq(got.businessDaysOfWeek, { "monday", "friday" })
  -- Users went as ids (assigneeUser) and read back as principals.
  check.eq(got.children[1].arguments.sendTaskArgs.assignee, { id = "user123", type = "user" })
  check.eq(got.children[1].arguments.sendTaskArgs.approver, { id = "manager456", type = "user" })
  local page = processes.create{ name = "Page", root = { name = "Top", parallel = false, children = {
    { type = "group", group = { name = "G", parallel = true, readOnly = false, children = {
      { type = "job", job = { arguments = { type = "sendTask", sendTaskArgs = {
        assigneeUser = "user123", title = "T", instructions = "Read it", approverDueDate = "2024-12-20" } } } },
    } } },
  } } }
  local task = processes.get(page).children[1].children[1].arguments.sendTaskArgs
  check.eq({ task.assignee.id, task.instructions, task.approverDueDate }, { "user123", "Read it", "2024-12-20" })
  -- Mistakes name the script's own fields, in either shape; nothing is sent.
  check.fails({ kind = "validation", field = "process.children[1].arguments.sendTaskArgs.assignee.type", message = "users only" },
    processes.create, { name = "x", children = { jobruns.sendTask{ assignee = { id = "finance-team", type = "group" }, title = "t" } } })
  check.fails({ kind = "validation", field = "process.children[1].children[1].arguments.sendTaskArgs.document" },
    processes.create, { name = "x", children = { { name = "g", parallel = true, children = {
      jobruns.sendTask{ assignee = "user123", title = "t", document = "doc456" } } } } })
  check.fails({ kind = "validation", field = "process.root.children[1].job.arguments.sendTaskArgs.assignee", message = "unknown field 'assignee'" },
    processes.create, { name = "x", root = { name = "r", parallel = false, children = {
      { type = "job", job = { arguments = { type = "sendTask", sendTaskArgs = { assignee = "user123", title = "t" } } } } } } })
  check.fails({ kind = "validation", field = "process.children", message = "not both" },
    processes.create, { name = "x", children = {}, root = { name = "r", parallel = false } })
  check.fails({ kind = "validation", field = "process.dueDate", code = "invalidDate" }, processes.create, { name = "x", dueDate = "2024-02-30" })
  check.fails({ kind = "api", status = 400, code = "invalidUser" }, processes.create, { name = "x", root = { name = "r", parallel = false,
    children = { { type = "job", job = { arguments = { type = "sendTask", sendTaskArgs = { assigneeUser = "ghost", title = "t" } } } } } } })
end)

test("errors", function()
  check.fails({ kind = "api", status = 404 }, processes.get, "nope")
  check.fails({ kind = "api", status = 404 }, processes.run, "nope")
  check.fails({ field = "opts.pagesize", message = "did you mean 'pageSize'" }, processes.list, { pagesize = 1 })
  check.fails({ field = "opts.pageSize", code = "invalidValue" }, processes.list, { pageSize = 0 })
end)

test("a definition nested too deep is refused before anything is sent", function()
  local definition = { name = "Deep" }
  local node = definition
  for _ = 1, 65 do
    local group = { name = "g", parallel = false }
    node.children = { group }
    node = group
  end
  node.children = { jobruns.sendTask{ assignee = "user123", title = "T" } }
  check.fails({ kind = "validation", field = "process", message = "nested more than 64 deep" }, processes.create, definition)
end)

-- processes.run when its answer is lost: the run is looked for, never sent again.
-- (The cases where the run is found and returned are in
-- Tests/EndToEndTests/ProcessRunOutcomeTests.swift, each in a procsh of its
-- own: runs this script had are never taken for a lost one, and after
-- sandbox.reset() the sandbox numbers its runs from 1 again.)

--- The runs of a process in the sandbox, by id, read from its admin endpoint
--- GET /_sandbox/state with curl (what the sandbox holds, not what procsh saw).
local function runs_of(process_id)
  local curl = assert(io.popen("curl -sf '" .. sandbox.url .. "/_sandbox/state'"))
  local text = curl:read("a")
  if not curl:close() or text == "" then error("cannot read " .. sandbox.url .. "/_sandbox/state with curl", 2) end
  local ids = {}
  for _, run in ipairs(json.decode(text).processRuns) do
    if run.processId == process_id then ids[#ids + 1] = run.id end
  end
  return ids
end

--- How many times the sandbox has injected `fault` (since it started: its
--- counts survive sandbox.reset()).
local function injected(fault)
  return check.stats().faults[fault] or 0
end

test("a 500 before anything was done: unknown, no candidates, nothing started, and it says why", function()
  local before, fired = runs_of("demo-process"), injected("500")
  sandbox.faults("500@runProcess=1x1")
  local e = check.fails({
    kind = "api", status = 500, unknown = true, retryable = false, attempts = 1,
    message = "procsh cannot tell whether this request started a run: GET /processes/demo-process shows no run started since the request was sent at ",
    hint = 'processes.lastrun("demo-process", { since = error.since })',
  }, processes.run, "demo-process")
  check.matches(e.message, "its latest run, demo%-run%-complete, [%a ]*created at 2025%-11%-24T16:00:00Z")
  check.matches(e.message, "after HTTP 500 the server may have started one it does not show yet")
  check.eq(e.candidates, {})
  check.matches(e.sent, "^%d%d%d%d%-%d%d%-%d%dT%d%d:%d%d:%d%dZ$")
  check.matches(e.since, "^%d%d%d%d%-%d%d%-%d%dT%d%d:%d%d:%d%dZ$")
  check.truthy(e.since < e.sent, "since is before sent")
  check.eq(injected("500") - fired, 1, "the fault fired")
  check.eq(runs_of("demo-process"), before, "nothing was started, and nothing was sent again")
  check.eq(processes.lastrun("demo-process", { since = e.since }), nil)
end)

test("a connection broken before anything was done: unknown, nothing started", function()
  local before, fired = runs_of("demo-process"), injected("reset")
  sandbox.faults("reset@runProcess=1x1")
  local e = check.fails({ kind = "transport", unknown = true, retryable = false, message = "shows no run started since" }, processes.run, "demo-process")
  check.eq(e.candidates, {})
  check.eq(injected("reset") - fired, 1, "the fault fired")
  check.eq(runs_of("demo-process"), before)
end)

test("the reads that look for the run keep failing: unknown, and the run can be found later", function()
  local before, fired = runs_of("demo-process"), injected("reset")
  sandbox.faults("500-after-commit@runProcess=1x1,reset@getProcess=1x4")
  local e = check.fails({
    kind = "api", status = 500, unknown = true,
    message = "reading the process to find out (GET /processes/demo-process) failed too: transport 500 (answerCut)",
  }, processes.run, "demo-process")
  check.eq(e.candidates, {})
  check.eq(injected("reset") - fired, 4, "every attempt of the read failed")
  local after = runs_of("demo-process")
  check.eq(#after, #before + 1, "the run was started once and not again")
  -- The faults are used up: the script can look itself.
  check.eq(processes.lastrun("demo-process", { since = e.since }).id, after[#after])
end)

test("a run the script already had is never taken for the lost one", function()
  local first = processes.run("demo-process")
  sandbox.faults("500@runProcess=1x1")
  local e = check.fails({ unknown = true, message = "its latest run, " .. first.id .. ", created at " }, processes.run, "demo-process")
  check.matches(e.message, "is one this script already had")
  check.eq(e.candidates, {})
  check.eq(runs_of("demo-process"), { "demo-run", "demo-run-complete", first.id })
  -- Runs seen through processes.lastrun count too.
  sandbox.reset()
  local other = processes.create{ name = "Other" }
  local seen = processes.run(other)
  check.eq(processes.lastrun(other).id, seen.id)
  sandbox.faults("500@runProcess=1x1")
  check.fails({ unknown = true, message = "is one this script already had" }, processes.run, other)
end)

test("processes.lastrun: the latest run, or nil; since filters by creation time", function()
  local process = processes.create{ name = "Fresh" }
  check.eq(processes.lastrun(process), nil, "a process never run")
  check.eq(processes.get(process).run, nil)
  local first = processes.run(process)
  local second = processes.run(process)
  local last = processes.lastrun(process.id)
  check.eq(last.id, second.id)
  check.truthy(first.id ~= second.id)
  check.eq(last.status, "running")
  check.eq(last.name, "Fresh")
  check.matches(last.created.dateTime, "^%d%d%d%d%-%d%d%-%d%dT%d%d:%d%d:%d%dZ$")
  check.eq(last.children, nil, "the process's run member has no tree")
  check.eq(processes.get(process).run.id, second.id)
  check.eq(processes.lastrun(process, { since = last.created.dateTime }).id, second.id)
  check.eq(processes.lastrun(process, { since = os.time() - 60 }).id, second.id)
  check.eq(processes.lastrun(process, { since = os.time() + 60 }), nil)
  check.eq(processes.lastrun(process, { since = "2999-01-01T00:00:00.5Z" }), nil)
  check.eq(processes.lastrun("demo-process").id, "demo-run-complete")
  check.fails({ kind = "validation", field = "opts.since", code = "invalidValue" }, processes.lastrun, process, { since = "yesterday" })
  check.fails({ kind = "validation", field = "opts.since" }, processes.lastrun, process, { since = true })
  check.fails({ kind = "validation", field = "opts.sinse", code = "unknownField" }, processes.lastrun, process, { sinse = 1 })
  check.fails({ kind = "api", status = 404 }, processes.lastrun, "nope")
end)

test("list orders by the latest run's creation time by default", function()
  local never = processes.create{ name = "Never run" }
  local ran = processes.create{ name = "Run today" }
  processes.run(ran)
  local ids = {}
  for p in processes.list() do ids[#ids + 1] = p.id end
  check.eq(ids, { ran.id, "demo-process", never.id })
  ids = {}
  for p in processes.list{ orderBy = "run.created.dateTime asc" } do ids[#ids + 1] = p.id end
  check.eq(ids, { never.id, "demo-process", ran.id })
end)

test("trash: the process leaves the list and reads", function()
  local process = processes.create{ name = "Doomed" }
  check.eq(processes.trash(process), nil)
  check.fails({ kind = "api", status = 404, target = "processId" }, processes.get, process.id)
  for p in processes.list() do check.truthy(p.id ~= process.id, "a trashed process is not listed") end
  check.fails({ kind = "api", status = 404 }, processes.trash, process.id)
  check.fails({ kind = "api", status = 404 }, processes.validate, process.id)
  check.fails({ kind = "validation", field = "process" }, processes.trash, 5)
  check.fails({ kind = "validation", field = "process", code = "emptyValue" }, processes.trash, "")
end)

test("validate: an empty array when valid, each problem otherwise", function()
  local valid = processes.validate("demo-process")
  check.eq(#valid, 0)
  check.eq(json.encode(valid), "[]")
  check.eq(json.encode(processes.validate(processes.create{ name = "Empty" })), '[{"code":"emptyProcess","message":"The process has no jobs."}]')
  local process = processes.create{ name = "Groups", children = {
    { name = "Nothing yet", parallel = true, children = {} },
    jobruns.sendTask{ assignee = "user123", title = "Sign" },
  } }
  local errors = processes.validate(process)
  check.eq(#errors, 1)
  check.eq(errors[1].code, "emptyGroup")
  check.eq(errors[1].target, process.children[1].id)
  check.fails({ kind = "api", status = 404 }, processes.validate, "nope")
end)

test("rename: jobs and groups, in either shape", function()
  local process = processes.create{ name = "Renames", children = {
    { name = "Review", parallel = false, children = { jobruns.sendTask{ assignee = "user123", title = "Sign" } } },
  } }
  local group, job = process.children[1], process.children[1].children[1]
  local renamed = processes.rename(process, { { group = group.id, name = "Checks" }, { job = job, name = "Sign it" } })
  check.eq(renamed.children[1].name, "Checks")
  check.eq(renamed.children[1].children[1].name, "Sign it")
  renamed = processes.rename(process.id, { { type = "jobName", jobNameUpdate = { id = job.id, newName = "API shape" } } })
  check.eq(renamed.children[1].children[1].name, "API shape")
  check.eq(processes.get(process).children[1].children[1].name, "API shape")
  check.eq(processes.rename(process, {}).id, process.id)
end)

test("rename: checked before sending, all or none", function()
  local process = processes.create{ name = "Renames", children = {
    { name = "Review", parallel = false, children = { jobruns.sendTask{ assignee = "user123", title = "Sign" } } },
  } }
  local group, job = process.children[1], process.children[1].children[1]
  check.fails({ kind = "validation", field = "renames[0].name", code = "emptyValue" }, processes.rename, process, { { job = job.id, name = " " } })
  check.fails({ kind = "validation", field = "renames[0].name", code = "missingField" }, processes.rename, process, { { job = job.id } })
  check.fails({ kind = "validation", field = "renames[0]", code = "missingField" }, processes.rename, process, { { name = "x" } })
  check.fails({ kind = "validation", field = "renames[0]" }, processes.rename, process, { { job = job.id, group = group.id, name = "x" } })
  check.fails({ kind = "validation", field = "renames[1].nmae", code = "unknownField" }, processes.rename, process,
    { { job = job.id, name = "ok" }, { job = job.id, nmae = "x" } })
  check.fails({ kind = "validation", field = "renames" }, processes.rename, process, "x")
  check.fails({ kind = "validation", field = "renames[0].jobNameUpdate.newNmae", code = "unknownField" }, processes.rename, process,
    { { type = "jobName", jobNameUpdate = { id = job.id, newNmae = "x" } } })
  check.fails({ kind = "validation", field = "renames[0].groupNameUpdate", code = "missingField" }, processes.rename, process,
    { { type = "groupName", jobNameUpdate = { id = job.id, newName = "x" } } })
  check.fails({ kind = "validation", field = "renames[0].type", message = "did you mean 'jobName'" }, processes.rename, process,
    { { type = "jobNam", jobNameUpdate = { id = job.id, newName = "x" } } })
  check.fails({ kind = "api", status = 400, code = "invalidJob", target = "body.data[1].jobNameUpdate.id" }, processes.rename, process,
    { { group = group.id, name = "Changed" }, { job = group.id, name = "x" } })
  check.eq(processes.get(process).children[1].name, "Review", "nothing applied when one update is wrong")
  check.fails({ kind = "api", status = 404 }, processes.rename, "nope", { { job = job.id, name = "x" } })
end)

test("rename: more than 3,000 go in consecutive requests", function()
  local children = {}
  for i = 1, 3001 do children[i] = jobruns.sendTask{ assignee = "user123", title = "T" .. i } end
  local process = processes.create{ name = "Many", children = children }
  local renames = {}
  for i, job in ipairs(process.children) do renames[i] = { job = job.id, name = "N" .. i } end
  local renamed = processes.rename(process, renames)
  check.eq(renamed.children[1].name, "N1")
  check.eq(renamed.children[3001].name, "N3001")
end)

test("faults: a 503 is retried; a 500 is an unknown outcome, not sent again", function()
  sandbox.faults("503@validateProcess=1x1,503@batchUpdateProcess=1x1")
  check.eq(#processes.validate("demo-process"), 0)
  check.eq(processes.rename("demo-process", { { job = "job-9", name = "Filed" } }).children[5].name, "Filed")
  sandbox.faults("500@batchUpdateProcess=1x1,500@trashProcess=1x1")
  check.fails({ kind = "api", status = 500, retryable = false }, processes.rename, "demo-process", { { job = "job-9", name = "Again" } })
  check.fails({ kind = "api", status = 500, retryable = false }, processes.trash, "demo-process")
  check.eq(processes.get("demo-process").id, "demo-process")
end)
