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
