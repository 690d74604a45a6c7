local procsh, _, _, standins = ...
local entries = {
  { "jobruns.create", "jobruns.create(run, jobs [, opts]) -> created job runs, reconciled",
    "Creates job runs in a running process run: before or after a sibling (opts.relativeSibling,\nopts.before = true by default), inside a group (opts.parentGroup), or at the end. Checks\neverything before sending; sends batches of opts.batchSize (100) in order. A batch whose answer\nis lost is looked into by reading the run: each job run is created once (opts.reconcile = false: not).",
    'jobruns.create("demo-run", jobruns.sendTask{ assignee = "user123", title = "Review" },\n  { relativeSibling = "job-7", before = false })' },
  { "jobruns.ensure", "jobruns.ensure(run, jobs [, opts]) -> job runs, number created, reconciled",
    "As jobruns.create, but creates only the jobs not in the target group yet. A job is there when one\nof the same action and title is (opts.key = function(job) -> string for another rule). Each goes\nwhere it belongs. Safe to run again.",
    'local jobs, created = jobruns.ensure("demo-run", { jobruns.sendTask{ assignee = "user123", title = "Review" } },\n  { parentGroup = "group-review" })' },
  { "jobruns.sendTask", "jobruns.sendTask{ assignee=, title= [, dueDate=, approver=, document=, triggerType=] } -> job spec",
    "A job that sends a task. assignee and approver: a user id, or { id =, type = \"user\"|\"group\" }.",
    'jobruns.sendTask{ assignee = "user123", title = "Review Q4 report", dueDate = "2024-12-15" }' },
  { "jobruns.contentRequest", "jobruns.contentRequest{ assignee=, title=, document=, section= [, approver=, instructions=] } -> job spec",
    "A job that asks someone to fill in a section of a document.",
    'jobruns.contentRequest{ assignee = "user789", title = "Commentary", document = "doc456", section = "section-id-123" }' },
  { "processruns.get", "processruns.get(run [, { excludeGeneratedJobs = bool }]) -> process run",
    "A process run with its whole tree of group runs and job runs.", 'local run = processruns.get("demo-run")' },
  { "processruns.find", "processruns.find(run, pred) -> node, parent",
    "The first job run or group run for which pred is true: an id, a table of fields, or a function.",
    'processruns.find(run, { name = "Review" })' },
  { "processruns.each", "processruns.each(run) -> iterator of node, depth, parent", "Every job run and group run, depth first.",
    "for node, depth in processruns.each(run) do print(depth, node.id) end" },
  { "processruns.jobs", "processruns.jobs(run) -> iterator", "Every job run, depth first.", "for job in processruns.jobs(run) do print(job.id) end" },
  { "processruns.groups", "processruns.groups(run) -> iterator", "Every group run, depth first.", "for g in processruns.groups(run) do print(g.name) end" },
  { "processruns.isgroup", "processruns.isgroup(node) -> boolean", "Whether a node is a group run (it has children or parallel).",
    "for node in processruns.each(run) do print(node.id, processruns.isgroup(node)) end" },
  { "processruns.label", "processruns.label(node) -> string or nil",
    "What a person calls a node: a group's name, a job's title; nil when it has neither.",
    "for job in processruns.jobs(run) do print(job.id, processruns.label(job)) end" },
  { "processruns.tree", "processruns.tree(run) -> string", "The tree as indented text: ordinal, kind, id, title, status.",
    'print(processruns.tree(processruns.get("demo-run")))' },
  { "processruns.wait", "processruns.wait(run, condition [, { timeout = 600, interval = 1 }]) -> process run",
    "Reads the run until condition holds (a status such as \"complete\", or a function of the run); raises a timeout error.",
    'local run = processruns.wait("demo-run", "complete", { timeout = 3600 })' },
  { "processes.list", "processes.list{ filter=, orderBy=, pageSize= } -> iterator", "Every process, page after page as the loop goes.",
    'for p in processes.list{ filter = "name contains \'Q4\'" } do print(p.id, p.name) end' },
  { "processes.get", "processes.get(id) -> process", "A process (a definition) with its tree.", 'processes.get("demo-process")' },
  { "processes.create", "processes.create{ name=, children= } -> process", "Creates a process: children (jobs as jobruns.create takes them, and groups) or root (createProcess' own shape).",
    'processes.create{ name = "Onboarding", children = { jobruns.sendTask{ assignee = "user123", title = "Sign" } } }' },
  { "processes.run", "processes.run(id [, { sendProcessCompleteEmail = bool }]) -> process run", "Starts a run of a process; a lost answer is looked for, never sent again.",
    'local run = processes.run("demo-process")' },
  { "processes.lastrun", "processes.lastrun(id [, { since = time }]) -> run or nil", "The process's latest run (the only run of a process the API shows), or nil.",
    'local run = processes.lastrun("demo-process", { since = err.since })' },
  { "processes.validate", "processes.validate(id) -> array of errors", "What stands in the way of running a process: an empty table when it is valid.\nChanges nothing, so --dry-run sends it too.",
    'for _, e in ipairs(processes.validate("demo-process")) do print(e.code, e.target, e.message) end' },
  { "processes.rename", "processes.rename(id, { { job = id, name = }, { group = id, name = } ... }) -> process",
    "Renames jobs and groups, all checked before sending; 3,000 to a request, in order.",
    'processes.rename("demo-process", { { group = "group-review", name = "Checks" } })' },
  { "processes.trash", "processes.trash(id)", "Moves a process to the trash: it leaves processes.list and reads (404).",
    'processes.trash(processes.create{ name = "Scratch" })' },
  { "json.encode", "json.encode(value [, { pretty = true }]) -> string", "JSON text of a Lua value (keys sorted).", 'print(json.encode(run, { pretty = true }))' },
  { "json.decode", "json.decode(text) -> value", "The Lua value of JSON text; null is procsh.null.", 'json.decode(\'{"a": [1, 2]}\')' },
  { "json.array", "json.array([t]) -> t", "Marks a table as a JSON array (it matters when it is empty).", "json.encode(json.array{})  --> []" },
  { "log.debug", "log.debug(format, ...)", "A debug line on stderr (shown with --log-level debug).",
    'log.debug("batch %d of %d", i, n)' },
  { "log.info", "log.info(format, ...)", "An info line on stderr (shown unless --log-level is warn or error).",
    'log.info("created %d job runs", #created)' },
  { "log.warn", "log.warn(format, ...)", "A warning line on stderr (hidden only by --log-level error).",
    'log.warn("group %s is read-only; skipped", group.id)' },
  { "log.error", "log.error(format, ...)", "An error line on stderr (always shown); it does not stop the script.",
    'log.error("could not create %s: %s", title, tostring(e))' },
  { "procsh.inspect", "procsh.inspect(value [, { depth = 4, items = 50, raw = false }]) -> string",
    "A value as readable text (the prompt prints results with it); raw = true shows API objects in full.", "print(procsh.inspect(run, { raw = true, depth = 2 }))" },
  { "procsh.iserror", "procsh.iserror(v) -> boolean", "Whether v is an error table raised by procsh.",
    "local ok, e = pcall(processruns.get, \"x\") if procsh.iserror(e) then print(e.kind, e.status) end" },
  { "procsh.help", "procsh.help([f]), also help([f])",
    "help() lists the API; help(f) or help(\"jobruns.create\") tells about one function.", "help(jobruns.create)" },
  { "procsh.sleep", "procsh.sleep(seconds)", "Waits (for example as long as an error's retryAfter says).", "procsh.sleep(e.retryAfter or 1)" },
  { "sandbox.reset", "sandbox.reset()", "Puts the demo data back (only with --sandbox).", "sandbox.reset()" },
  { "sandbox.faults", "sandbox.faults(spec)", "Injects faults from now on; \"\" for none (only with --sandbox).", 'sandbox.faults("503=0.5,latency=20ms")' },
  { "sandbox.setstatus", "sandbox.setstatus(jobRunId, status) -> run status",
    "Sets a job run's status; its groups' and its run's follow (only with --sandbox).", 'sandbox.setstatus("job-9", "complete")' },
}

local function lookup(name)
  local value = _G
  for part in name:gmatch("[^.]+") do
    if type(value) ~= "table" then return nil end
    value = value[part]
  end
  return value
end

-- The first sentence of a description, for the list: up to ". ", ": " or
-- the end of its first line (a dot inside a name, procsh.null, stays).
local function summary(text)
  local line = text:match("^[^\n]*")
  local stop = #line + 1
  for _, pattern in ipairs { "%.%s", "%.$", ": " } do
    local at = line:find(pattern)
    if at and at < stop then stop = at end
  end
  return line:sub(1, stop - 1)
end

-- The entry for `what`: a name ("jobruns.create"), or a function of the API,
-- also one kept from before its module was loaded (a stand-in).
local function find(what)
  if type(what) == "function" then
    for name, f in next, standins do
      if rawequal(f, what) then what = name break end
    end
  end
  for _, e in ipairs(entries) do
    if what == e[1] or rawequal(what, lookup(e[1])) then return e end
  end
  return nil
end

--- help() lists the API; help(f) or help("jobruns.create") tells about one function.
function procsh.help(what)
  if what == nil then
    print("procsh's Lua API (help(f) for one function; docs/lua-api.md for everything):")
    local module
    for _, e in ipairs(entries) do
      local m = e[1]:match("^[^.]+")
      if lookup(e[1]) ~= nil then
        if m ~= module then print() module = m end
        print(string.format("  %-24s %s", e[1], summary(e[3])))
      end
    end
    print()
    print("Errors are tables: kind, status, code, message, field, retryable, retryAfter; tostring(e) gives one line.")
    return
  end
  local e = find(what)
  if e then
    print(e[2])
    print()
    print(e[3])
    print()
    print("Example:")
    print("  " .. e[4]:gsub("\n", "\n  "))
    return
  end
  local ok, shown = pcall(tostring, what)  -- a broken __tostring must not break help
  print("no help for " .. ((ok and type(shown) == "string") and shown or type(what)) .. "; help() lists the API")
end
