-- More jobs than a request carries go in consecutive requests, in order, in place.
local check = require "check"

local function tasks(n, prefix)
  local jobs = {}
  for i = 1, n do jobs[i] = jobruns.sendTask{ assignee = "user123", title = (prefix or "Task ") .. i } end
  return jobs
end

local function titles(nodes)
  local t = {}
  for i, node in ipairs(nodes) do t[i] = node.arguments.sendTaskArgs.title end
  return t
end

local function expectOrder(run, from, n)
  local children = processruns.get(run).children
  for i = 1, n do
    local node = children[from + i - 1]
    check.eq(node.arguments.sendTaskArgs.title, "Task " .. i, "child " .. (from + i - 1))
    check.eq(node.ordinal, from + i - 2, "ordinal of child " .. (from + i - 1))
  end
end

test("after a sibling: 250 jobs in batches of 100 stay in order after it", function()
  local created = jobruns.create("demo-run", tasks(250), { relativeSibling = "job-7", before = false })
  check.eq(#created, 250)
  check.eq(titles(created)[250], "Task 250")
  expectOrder("demo-run", 3, 250)
  check.eq(processruns.get("demo-run").children[253].id, "group-review", "the sibling's old neighbour")
end)

test("before a sibling, batches of 7", function()
  jobruns.create("demo-run", tasks(50), { relativeSibling = "job-9", batchSize = 7 })
  expectOrder("demo-run", 5, 50)
  check.eq(processruns.get("demo-run").children[55].id, "job-9")
end)

test("appended into a group, batches of 10", function()
  local created = jobruns.create("demo-run", tasks(35), { parentGroup = "group-review", batchSize = 10 })
  check.eq(created[35].ordinal, 36)
  local group = processruns.find(processruns.get("demo-run"), "group-review")
  check.eq(#group.children, 37)
  check.eq(group.children[37].arguments.sendTaskArgs.title, "Task 35")
end)

test("appended to the top level, batch of exactly the size", function()
  jobruns.create("demo-run", tasks(100))
  expectOrder("demo-run", 6, 100)
end)

test("a batch that fails part-way says what was created and what was not", function()
  local jobs = tasks(250)
  jobs[150] = jobruns.sendTask{ assignee = "nobody", title = "Task 150" }  -- the server refuses this user
  local e = check.fails({ kind = "api", status = 400, code = "invalidUser" }, jobruns.create, "demo-run", jobs,
    { relativeSibling = "job-7", before = false })
  check.eq(#e.created, 100)
  check.eq(e.created[1].id, "jobrun-1")
  check.eq(#e.notCreated, 150)
  check.eq(e.notCreated[1], 101)
  check.eq(e.notCreated[150], 250)
  check.eq(e.unknown, nil)
  check.matches(e.message, "jobs 1%-100 were created")
  check.matches(e.message, "jobs 101%-250 were not created")
  check.eq(check.count(processruns.get("demo-run")), 106)
end)

test("a batch whose outcome is unknown is listed as such", function()
  local jobs = tasks(30)
  local calls = 0
  sandbox.faults("")
  -- The first batch goes through; then every answer is lost after the work is done.
  jobruns.create("demo-run", { jobs[1] })
  sandbox.faults("500-after-commit=1")
  local e = check.fails({ kind = "api", status = 500 }, jobruns.create, "demo-run", jobs, { batchSize = 10 })
  check.eq(#e.created, 0)
  check.eq(e.unknown, { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 })
  check.eq(e.notCreated[1], 11)
  check.matches(e.message, "may or may not have been created")
end)

test("the server's index of the failed job is translated to the script's list", function()
  local jobs = tasks(30)
  jobs[25] = jobruns.sendTask{ assignee = "nobody", title = "Task 25" }
  local e = check.fails({ status = 400, failedJob = 25 }, jobruns.create, "demo-run", jobs, { batchSize = 10 })
  check.eq(e.meta.jobIndex, 4, "the server's own index, within its request")
  check.eq(#e.created, 20)
end)
