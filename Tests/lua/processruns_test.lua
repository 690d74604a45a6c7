-- processruns.get / find / jobs / groups / each / tree
local check = require "check"

test("get returns the whole tree", function()
  local run = processruns.get("demo-run")
  check.eq(run.id, "demo-run")
  check.eq(run.status, "running")
  check.eq(#run.children, 5)
  check.eq(run.children[3].children[2].id, "job-12")
  check.eq(processruns.get({ id = "demo-run" }).id, "demo-run", "a table with an id")
end)

test("find by id, by fields, by function", function()
  local run = processruns.get("demo-run")
  local node, parent = processruns.find(run, "job-12")
  check.eq(node.id, "job-12")
  check.eq(parent.id, "group-review")
  check.eq(processruns.find(run, { name = "Certification" }).id, "group-certification")
  check.eq(processruns.find(run, function(n) return n.status == "running" end).id, "job-7")
  check.eq(processruns.find(run, "nothing"), nil)
end)

test("jobs, groups and each walk depth first", function()
  local run = processruns.get("demo-run")
  local jobs, groups, all = {}, {}, {}
  for job in processruns.jobs(run) do jobs[#jobs + 1] = job.id end
  for group in processruns.groups(run) do groups[#groups + 1] = group.id end
  for node, depth in processruns.each(run) do all[#all + 1] = node.id .. "@" .. depth end
  check.eq(jobs, { "job-1", "job-7", "job-11", "job-12", "job-21", "job-9" })
  check.eq(groups, { "group-review", "group-certification" })
  check.eq(all, { "job-1@0", "job-7@0", "group-review@0", "job-11@1", "job-12@1", "group-certification@0", "job-21@1", "job-9@0" })
end)

test("tree prints ordinal, kind, id, title and status", function()
  local text = processruns.tree(processruns.get("demo-run"))
  local lines = {}
  for line in text:gmatch("[^\n]+") do lines[#lines + 1] = line end
  check.eq(#lines, 9)
  check.eq(lines[1], 'demo-run "Q4 close 2024" [running]')
  check.matches(lines[2], '^  0 job   job%-1 +"Collect Q4 trial balance" %[complete%]$')
  check.matches(lines[4], '^  2 group group%-review +"Review" %[waiting%] sequential$')
  check.matches(lines[5], '^    0 job   job%-11 +"Review Q4 financial report" %[waiting%]$')
  check.matches(lines[7], "parallel, read%-only$")
end)

test("walkers reject what is not a run", function()
  local e = check.fails({ kind = "validation", field = "run" }, processruns.tree, "demo-run")
  check.matches(e.message, "processruns.tree expects a process run table")
end)

test("walkers raise validation errors for what is not a run", function()
  check.fails({ kind = "validation", field = "run", code = "wrongType" }, processruns.jobs, "demo-run")
  check.fails({ kind = "validation", field = "pred" }, processruns.find, processruns.get("demo-run"), 42)
end)

test("label: a group's name, a job's title", function()
  local run = processruns.get("demo-run")
  check.eq(processruns.label(processruns.find(run, "group-review")), "Review")
  check.eq(processruns.label(processruns.find(run, "job-11")), "Review Q4 financial report")
  check.eq(processruns.label({ id = "x" }), nil)
end)

test("procsh.inspect shows API objects in one line, and everything else as Lua", function()
  local run = processruns.get("demo-run")
  check.eq(procsh.inspect(run), '<process run demo-run "Q4 close 2024" [running], 5 children>')
  check.eq(procsh.inspect(run.children[3]), '<group run group-review #2 "Review" [waiting], 2 children>')
  check.eq(procsh.inspect(run.children[2]), '<job run job-7 #1 sendTask "Prepare Q4 financial report" [running]>')
  check.eq(procsh.inspect({ 1, "two", { x = true }, [10] = 3.0, name = "n" }), '{ 1, "two", { x = true }, [10] = 3.0, name = "n" }')
  local t = {} t.self = t
  check.matches(procsh.inspect(t), "^{ self = <cycle: table: ")
  check.eq(procsh.inspect({ a = { b = { c = { d = { e = 1 } } } } }), "{ a = { b = { c = { d = {...} } } } }")
  check.eq(procsh.inspect({ a = { b = 1 } }, { depth = 1 }), "{ a = {...} }")
  local many = {} for i = 1, 60 do many[i] = i end
  check.matches(procsh.inspect(many), "%.%.%. %(10 more%)")
  check.eq(procsh.inspect(procsh.null), "null")
  local ok, e = pcall(processruns.get, "nope")
  check.matches(procsh.inspect(e), "^<error: api 404 %(404%)")
  check.matches(procsh.inspect(run, { raw = true, depth = 1 }), "id = \"demo%-run\"")
end)

test("walkers name a node that is not a table, by its path", function()
  check.fails({ kind = "validation", field = "node", code = "wrongType",
    message = "processruns.isgroup expects a process run, group run or job run (a table), got number 5" }, processruns.isgroup, 5)
  check.fails({ field = "node", message = "processruns.label expects a process run, group run or job run (a table), got nil" },
    processruns.label)
  check.fails({ field = "run.children", message = "processruns.tree expects children to be an array of job runs and group runs (a table), got number 5" },
    processruns.tree, { children = 5 })
  local e = check.fails({ field = "run.children[1]" }, processruns.find, { children = { 5 } }, "x")
  check.eq(e.message, "processruns.find expects a job run or group run (a table), got number 5")
  check.fails({ field = "run.children[1]" }, processruns.find, { children = { 5 } }, function() return true end)
  check.fails({ field = "run.children[2].children[2]", message = "got string 'x'" },
    processruns.jobs, { children = { { id = "a" }, { id = "g", children = { { id = "b" }, "x" } } } })
  check.fails({ field = "run", message = "got string 'demo-run'" }, processruns.groups, "demo-run")
end)

test("each checks the whole tree before it yields anything", function()
  local seen = 0
  local ok, e = pcall(function()
    for _ in processruns.each({ children = { { id = "a" }, 1, "x" } }) do seen = seen + 1 end
  end)
  check.eq(ok, false)
  check.eq(seen, 0)
  check.eq(e.field, "run.children[2]")
  check.eq(e.message, "processruns.each expects a job run or group run (a table), got number 1")
end)

test("a tree that contains itself is a validation error, not a stack overflow", function()
  local t = { id = "r", children = {} }
  t.children[1] = t
  for _, f in ipairs { "tree", "each", "jobs", "groups" } do
    local e = check.fails({ kind = "validation", code = "wrongType", field = "run.children[1]" }, processruns[f], t)
    check.eq(e.message, "processruns." .. f .. " expects a tree, but this group run is the same table as run, which contains it (a cycle)")
  end
  check.fails({ field = "run.children[1]", message = "(a cycle)" }, processruns.find, t, "x")
  local g = { id = "g", children = { { id = "j" } } }
  g.children[2] = g
  check.fails({ field = "run.children[1].children[2]", message = "the same table as run.children[1]," },
    processruns.tree, { id = "r", children = { g } })
end)

test("the same node twice is not a cycle", function()
  local shared = { id = "s", action = "sendTask" }
  local run = { id = "dag", children = { shared, { id = "g", parallel = false, children = { shared } }, shared } }
  local ids = {}
  for node, depth in processruns.each(run) do ids[#ids + 1] = node.id .. "@" .. depth end
  check.eq(ids, { "s@0", "g@0", "s@1", "s@0" })
end)

test("groups nest at most 1000 levels", function()
  local function chain(levels)
    local root = { id = "r", children = {} }
    local c = root
    for i = 1, levels do
      local g = { id = "g" .. i, parallel = false, children = {} }
      c.children[1] = g
      c = g
    end
    return root
  end
  local n = 0
  for _ in processruns.groups(chain(1000)) do n = n + 1 end
  check.eq(n, 1000)
  local e = check.fails({ kind = "validation", message = "processruns.tree: groups nested more than 1000 levels deep" },
    processruns.tree, chain(1001))
  -- The path is shortened as docs/lua-api.md shows it, not 1,001 parts long.
  check.eq(e.field, "run.children[1]...children[1]")
  check.eq(tostring(e), "validation: run.children[1]...children[1]: processruns.tree: groups nested more than 1000 levels deep")
end)

test("a cycle deep in the tree names both places in short", function()
  local run = { id = "r", children = {} }
  local node = run
  for i = 1, 30 do
    local g = { id = "g" .. i, parallel = false, children = {} }
    node.children[1] = g
    node = g
  end
  node.children[1] = run.children[1]
  local e = check.fails({ kind = "validation", field = "run.children[1]...children[1]" }, processruns.jobs, run)
  check.eq(e.message, "processruns.jobs expects a tree, but this group run is the same table as run.children[1], which contains it (a cycle)")
end)

test("a name or title that is not a string counts as absent", function()
  check.eq(processruns.label({ name = 5 }), nil)
  check.eq(processruns.label({ name = procsh.null }), nil)
  check.eq(processruns.label({ name = procsh.null, arguments = { type = "sendTask", sendTaskArgs = { title = "T" } } }), "T")
  check.eq(processruns.label({ arguments = { type = "sendTask", sendTaskArgs = { title = procsh.null } } }), nil)
  local text = processruns.tree({ id = "r", name = procsh.null, status = "running",
    children = { { id = "g", name = procsh.null, ordinal = 0, parallel = true, readOnly = false, status = "waiting", children = {} } } })
  check.eq(text, 'r "" [running]\n  0 group g  "" [waiting] parallel')
  check.eq(procsh.inspect({ id = "g", name = procsh.null, parallel = true, status = "waiting", children = {} }), "<group run g [waiting], 0 children>")
  check.eq(procsh.inspect({ id = "g", name = procsh.null, parallel = true, children = {} }), "<group g, 0 children>")
end)

test("processruns.get names the number it was given", function()
  check.fails({ field = "processRun", message = "got number 5" }, processruns.get, 5)
  check.fails({ field = "processRun", message = "got number 2.5" }, processruns.get, 2.5)
end)

-- processruns.wait and the sandbox's statuses

test("wait for a status the run already has returns the run", function()
  local run = processruns.wait("demo-run-complete", "complete")
  check.eq(run.id, "demo-run-complete")
  check.eq(run.status, "complete")
  check.eq(processruns.wait({ id = "demo-run" }, "running").id, "demo-run", "a table with an id")
end)

test("wait polls until a function condition holds: jobs completed while it waits", function()
  local polls = 0
  local run = processruns.wait("demo-run", function(r)
    polls = polls + 1
    if polls == 3 then
      for job in processruns.jobs(r) do sandbox.setstatus(job.id, "complete") end
    end
    return r.status == "complete"
  end, { interval = 0.01 })
  check.eq(polls, 4, "the read after the jobs were completed")
  check.eq(run.status, "complete")
  check.eq(run.statusCounts, { complete = 6 })
  check.eq(run.children[3].status, "complete", "group-review")
end)

test("wait for a status string after the jobs are completed", function()
  for job in processruns.jobs(processruns.get("demo-run")) do sandbox.setstatus(job.id, "complete") end
  check.eq(processruns.wait("demo-run", "complete", { interval = 0.01 }).status, "complete")
end)

test("wait raises a timeout error that says what it waited for and what it saw", function()
  local e = check.fails({ kind = "timeout", code = "waitTimeout" }, processruns.wait, "demo-run", "complete", { timeout = 0.05, interval = 0.01 })
  check.matches(e.message, "waiting for process run demo%-run to be complete; last seen: status running, job runs complete=1, running=1, waiting=4$")
  check.eq(e.run.id, "demo-run", "the run it last read")
  check.eq(e.meta.lastStatus, "running")
  check.matches(tostring(e), "^timeout %(waitTimeout%): processruns.wait gave up after 0.05 s")
  local once = check.fails({ kind = "timeout" }, processruns.wait, "demo-run", function() return false end, { timeout = 0 })
  check.matches(once.message, "gave up after 0 s %(1 read%) waiting for the condition function to return true for process run demo%-run")
end)

test("wait checks its arguments", function()
  check.fails({ kind = "validation", field = "run" }, processruns.wait, nil, "complete")
  check.fails({ kind = "validation", field = "condition", message = "got nil" }, processruns.wait, "demo-run")
  check.fails({ kind = "validation", field = "condition", message = "got number 5" }, processruns.wait, "demo-run", 5)
  check.fails({ kind = "validation", field = "condition", code = "emptyValue" }, processruns.wait, "demo-run", "")
  check.fails({ kind = "validation", field = "opts", message = "got string 'x'" }, processruns.wait, "demo-run", "complete", "x")
  check.fails({ kind = "validation", field = "opts.timeout", code = "invalidValue" }, processruns.wait, "demo-run", "complete", { timeout = -1 })
  check.fails({ kind = "validation", field = "opts.timeout", code = "wrongType" }, processruns.wait, "demo-run", "complete", { timeout = "10" })
  check.fails({ kind = "validation", field = "opts.interval", code = "invalidValue" }, processruns.wait, "demo-run", "complete", { interval = 0 })
  check.fails({ kind = "validation", field = "opts.intervall" }, processruns.wait, "demo-run", "complete", { intervall = 1 })
end)

test("wait passes on API errors and the condition's own errors", function()
  check.fails({ kind = "api", status = 404 }, processruns.wait, "no-such-run", "complete")
  local ok, e = pcall(processruns.wait, "demo-run", function() error("boom", 0) end)
  check.eq(ok, false)
  check.eq(e, "boom")
end)

test("sandbox statuses: groups and the run follow their children", function()
  check.eq(sandbox.setstatus("job-11", "running"), "running")
  local run = processruns.get("demo-run")
  check.eq(run.children[3].status, "running", "a running child: the group runs")
  check.eq(run.children[3].statusCounts, { running = 1, waiting = 1 })
  sandbox.setstatus("job-11", "complete")
  check.eq(processruns.get("demo-run").children[3].status, "running", "one done, one waiting: under way")
  sandbox.setstatus("job-12", "cancelled")
  check.eq(processruns.get("demo-run").children[3].status, "complete", "complete and cancelled: complete")
  sandbox.setstatus("job-12", "cancelling")
  check.eq(processruns.get("demo-run").children[3].status, "cancelling")
  for _, id in ipairs({ "job-1", "job-7", "job-11", "job-12", "job-21", "job-9" }) do sandbox.setstatus(id, "cancelled") end
  check.eq(processruns.get("demo-run").status, "cancelled", "all cancelled: the run is cancelled")
end)

test("sandbox.setstatus refuses unknown statuses and job runs", function()
  local e = check.fails({ kind = "validation", field = "status", code = "invalidValue" }, sandbox.setstatus, "job-9", "done")
  check.matches(e.message, 'unknown status "done"; a job run\'s status is one of waiting, running, cancelling, complete, cancelled')
  check.fails({ kind = "validation", field = "status", message = "got nil" }, sandbox.setstatus, "job-9")
  check.fails({ kind = "api", status = 404, target = "jobRunId" }, sandbox.setstatus, "no-such-job", "complete")
  check.fails({ kind = "validation", field = "jobRunId" }, sandbox.setstatus, 5, "complete")
end)

test("the admin endpoint sets a status over HTTP", function()
  local function post(id, body)
    local curl = assert(io.popen("curl -s -X POST -d '" .. body .. "' '" .. sandbox.url .. "/_sandbox/jobRuns/" .. id .. "/status'"))
    local text = curl:read("a")
    curl:close()
    return json.decode(text)
  end
  local answer = post("job-9", '{"status": "complete"}')
  check.eq(answer.id, "job-9")
  check.eq(answer.status, "complete")
  check.eq(answer.processRun, { id = "demo-run", status = "running" })
  check.eq(processruns.get("demo-run").children[5].status, "complete")
  check.eq(post("job-9", '{"status": "done"}').code, "invalidStatus")
  check.eq(post("job-9", "{}").code, "invalidBody")
  check.eq(post("no-such-job", '{"status": "complete"}').code, "404")
end)

test("wait reads again after a Retry-After once the client's own retries are spent", function()
  sandbox.faults("503@getProcessRun=1x4")  -- the client's 4 attempts, then the wait's next read succeeds
  check.eq(processruns.wait("demo-run", "running", { timeout = 60 }).id, "demo-run")
  check.eq(check.stats().faults["503"], 4)
end)

test("the run's time limit (--timeout) ends a wait, which names it", function()
  local i, procsh_path = -1, nil
  while arg[i] ~= nil do procsh_path = arg[i] i = i - 1 end
  local child = assert(io.popen("'" .. procsh_path .. "' --sandbox --timeout 1 -e "
    .. "'processruns.wait(\"demo-run\", \"complete\", { interval = 0.2 })' 2>&1; echo \"status=$?\""))
  local text = child:read("a")
  child:close()
  check.matches(text, "timeout %(runTimeout%): the run's time limit %(%-%-timeout%) passed while processruns.wait was waiting for process run demo%-run")
  check.matches(text, "status=75")
end)
