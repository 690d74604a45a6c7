-- procsh.inspect: its options are checked, and odd values do not break it.
local check = require "check"

test("opts is a table of options, or nil", function()
  check.fails({ kind = "validation", field = "opts", code = "wrongType",
    message = "procsh.inspect expects a table of options ({ depth =, items =, raw =, color = }), got number 5" }, procsh.inspect, {}, 5)
  check.eq(procsh.inspect({ 1 }, nil), "{ 1 }")
  check.eq(procsh.inspect({ 1 }, procsh.null), "{ 1 }")
  check.eq(procsh.inspect({ 1 }, { depth = procsh.null, items = procsh.null, raw = procsh.null }), "{ 1 }")
end)

test("depth and items are integers, 0 or more", function()
  check.fails({ field = "opts.items", code = "invalidValue", message = "got -1000000000000000" },
    procsh.inspect, { 1, 2, 3 }, { items = -1e15 })
  check.fails({ field = "opts.items", code = "invalidValue", message = "procsh.inspect expects an integer, 0 or more, got -1" },
    procsh.inspect, { 1, 2, 3 }, { items = -1 })
  check.fails({ field = "opts.depth", code = "wrongType", message = "got string '2'" }, procsh.inspect, {}, { depth = "2" })
  check.fails({ field = "opts.items", code = "wrongType", message = "got string '2'" }, procsh.inspect, {}, { items = "2" })
  check.fails({ field = "opts.items", code = "wrongType", message = "got number 1.5" }, procsh.inspect, {}, { items = 1.5 })
  check.fails({ field = "opts.depth", code = "wrongType" }, procsh.inspect, {}, { depth = math.huge })
  check.fails({ field = "opts.depth", code = "wrongType" }, procsh.inspect, {}, { depth = 0 / 0 })
  check.fails({ field = "opts.raw", code = "wrongType", message = "expects a boolean, got number 1" }, procsh.inspect, {}, { raw = 1 })
  check.eq(procsh.inspect({ 1, 2, 3 }, { items = 2 }), "{ 1, 2, ... (1 more) }")
  check.eq(procsh.inspect({ 1, 2, 3 }, { items = 2.0 }), "{ 1, 2, ... (1 more) }")
  check.eq(procsh.inspect({ 1, 2, 3 }, { items = 0 }), "{ ... (3 more) }")
  check.eq(procsh.inspect({ 1, 2, 3 }, { items = math.maxinteger }), "{ 1, 2, 3 }")
  check.eq(procsh.inspect({ a = { 1 } }, { depth = 0 }), "{...}")
  check.eq(procsh.inspect({ a = { 1 } }, { depth = 1e15 }), "{ a = { 1 } }")
end)

test("an unknown option, with a suggestion", function()
  check.fails({ field = "opts.dept", code = "unknownField",
    message = "unknown option 'dept' (did you mean 'depth'?); the options are depth, items, raw, color" }, procsh.inspect, {}, { dept = 1 })
  check.fails({ field = "opts.Raw", message = "(did you mean 'raw'?)" }, procsh.inspect, {}, { Raw = true })
  check.fails({ field = "opts.shade", message = "unknown option 'shade'; the options are" }, procsh.inspect, {}, { shade = 1 })
  check.fails({ field = "opts.colour", message = "(did you mean 'color'?)" }, procsh.inspect, {}, { colour = true })
  check.fails({ field = "opts[1]", code = "unknownField" }, procsh.inspect, {}, { "x" })
end)

test("an error is the same error table every binding raises", function()
  local ok, e = pcall(procsh.inspect, {}, { items = -1 })
  check.eq(ok, false)
  check.truthy(procsh.iserror(e), "an error table")
  check.eq(getmetatable(e), getmetatable(select(2, pcall(processruns.get, 5))))
  check.eq(e.attempts, 0)
  check.eq(e.retryable, false)
end)

test("API objects with fields of unexpected types", function()
  check.eq(procsh.inspect({ id = "x", name = {} }), "{ id = \"x\", name = {} }")
  check.eq(procsh.inspect({ id = "j", action = "sendTask", name = {}, status = {}, ordinal = 1.5 }), "<job run j sendTask>")
  check.eq(procsh.inspect({ id = "j", action = "sendTask", name = procsh.null, status = "waiting", ordinal = 2 }),
    "<job run j #2 sendTask [waiting]>")
  check.eq(procsh.inspect({ id = "j", action = "sendTask", status = "waiting", arguments = { type = "sendTask", sendTaskArgs = { title = 7 } } }),
    "<job run j sendTask [waiting]>")
  check.eq(procsh.inspect({ id = "p", name = 5, processId = "x", children = { 1, 2 } }), "<process run p, 2 children>")
end)

test("a process and its groups and jobs are not runs", function()
  local process = processes.get("demo-process")
  local run = processruns.get("demo-run")
  -- What run-time state a run has makes it one: status, statusCounts, a process run's processId.
  for _, case in ipairs {
    { process, '<process demo-process "Q4 close", 5 children>' },
    { process.children[3], '<group group-review #2 "Review", 2 children>' },
    { process.children[1], '<job job-1 #0 sendTask "Collect Q4 trial balance">' },
    { run.children[4], '<group run group-certification #3 "Certification" [waiting], 1 child>' },
    { { id = "p", processId = "demo-process", children = {} }, "<process run p, 0 children>" },
    { { id = "p", statusCounts = {}, children = {} }, "<process run p, 0 children>" },
    { { id = "p", children = {} }, "<process p, 0 children>" },
  } do
    check.eq(procsh.inspect(case[1]), case[2])
  end
end)

test("metamethods are not consulted", function()
  local boom = function() error("metamethod called") end
  local t = setmetatable({ 1, a = 2 }, { __index = boom, __pairs = boom, __len = boom, __tostring = boom, __name = "odd" })
  check.eq(procsh.inspect(t), "{ 1, a = 2 }")
  local key = setmetatable({}, { __tostring = boom })
  check.matches(procsh.inspect({ [key] = 1 }), "^{ %[table: 0x%x+%] = 1 }$")
  local c = setmetatable({}, { __tostring = boom })
  c.self = c
  check.matches(procsh.inspect(c), "^{ self = <cycle: table: 0x%x+> }$")
  check.eq(procsh.inspect(setmetatable({ id = "j", action = "sendTask", status = "waiting" }, { __index = boom })),
    "<job run j sendTask [waiting]>")
end)

test("one result, a string", function()
  check.eq(select("#", procsh.inspect("a\nb")), 1)
  check.eq(procsh.inspect("a\nb"), '"a\\nb"')
end)

test("only the items shown are rendered", function()
  local big = {}
  for i = 1, 100000 do big[i] = { i } end
  check.eq(procsh.inspect(big, { items = 2 }), "{ { 1 }, { 2 }, ... (99998 more) }")
end)

test("color: ANSI colours for ids, strings, statuses and errors; the width they take is none", function()
  local e = "\27[0m"
  check.eq(procsh.inspect("x", { color = true }), '\27[32m"x"' .. e)
  check.eq(procsh.inspect({ id = "j", action = "sendTask", status = "running", name = "T" }, { color = true }),
    "<job run \27[1;36mj" .. e .. ' sendTask \27[32m"T"' .. e .. " [\27[33mrunning" .. e .. "]>")
  check.eq(procsh.inspect({ status = "complete", id = "g", children = {} }, { color = true }),
    "<process run \27[1;36mg" .. e .. " [\27[32mcomplete" .. e .. "], 0 children>")
  local ok, err = pcall(processruns.get, "nope")
  check.matches(procsh.inspect(err, { color = true }), "^\27%[31m<error: api 404")
  check.eq(procsh.inspect({ 1, "a" }, { color = false }), '{ 1, "a" }')
  -- Six strings of 8 fit on a line of 78 by their visible width, colours aside.
  local row = { "aaaaaaaa", "bbbbbbbb", "cccccccc", "dddddddd", "eeeeeeee", "ffffffff" }
  check.eq(procsh.inspect(row, { color = true }):find("\n"), nil)
  check.fails({ field = "opts.color", code = "wrongType", message = "expects a boolean, got number 1" }, procsh.inspect, {}, { color = 1 })
end)
