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
