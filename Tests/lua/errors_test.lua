-- API failures reach scripts as error tables with the contract's fields.
local check = require "check"

local function task(title)
  return jobruns.sendTask{ assignee = "user123", title = title or "T" }
end

test("404: a run that does not exist", function()
  local e = check.fails({ kind = "api", status = 404, code = "404", retryable = false }, jobruns.create, "no-such-run", task())
  check.eq(e.request, { method = "POST", path = "/processRuns/no-such-run/jobRuns" })
  check.matches(e.message, "no%-such%-run")
  check.eq(tostring(e), "api 404 (404): " .. e.message .. (e.target and (" (target: " .. e.target .. ")") or "")
    .. " [POST /processRuns/no-such-run/jobRuns]")
  check.fails({ kind = "api", status = 404 }, processruns.get, "no-such-run")
  check.fails({ kind = "api", status = 404 }, jobruns.create, "demo-run", task(), { relativeSibling = "job-404" })
  check.fails({ kind = "api", status = 404 }, jobruns.create, "demo-run", task(), { parentGroup = "group-404" })
end)

test("409: a read-only group and a complete run", function()
  check.fails({ kind = "api", status = 409, retryable = false, target = "parentGroupId" },
    jobruns.create, "demo-run", task(), { parentGroup = "group-certification" })
  check.fails({ kind = "api", status = 409 }, jobruns.create, "demo-run-complete", task())
end)

test("409: a read-only group reached from its job names the sibling, which was given", function()
  local e = check.fails({ kind = "api", status = 409, target = "relativeSiblingId" },
    jobruns.create, "demo-run", task(), { relativeSibling = "job-21" })
  check.eq(e.target, "relativeSiblingId")
  check.matches(e.message, "group%-certification is read%-only")
end)

test("small messages show the value given", function()
  check.fails({ field = "text", message = "expected a string of JSON text, got number 5" }, json.decode, 5)
  check.fails({ field = "text", message = "got nil" }, json.decode)
  check.fails({ field = "table", message = "expected a table, got string 'x'" }, json.array, "x")
  check.fails({ field = "seconds", code = "invalidValue", message = "-1 is not a number of seconds, 0 or more" }, procsh.sleep, -1)
  check.fails({ field = "seconds", message = "-0.5 is not a number of seconds" }, procsh.sleep, -0.5)
  check.fails({ field = "seconds", message = "expected a number of seconds, got string '1'" }, procsh.sleep, "1")
  check.fails({ field = "spec", message = "got boolean true" }, sandbox.faults, true)
  check.fails({ field = "process", message = "got number 5" }, processes.create, 5)
  check.fails({ field = "opts", message = "expected a table of options, got number 5" }, processruns.get, "demo-run", 5)
  check.fails({ field = "processRun", message = "got a function" }, processruns.get, print)
end)

test("400 from the server: a user it does not know", function()
  local e = check.fails({ kind = "api", status = 400, code = "invalidUser", target = "assignee" },
    jobruns.create, "demo-run", jobruns.sendTask{ assignee = "nobody", title = "T" })
  check.eq(e.meta.argumentName, "assignee")
  check.eq(type(e.details), "table")
end)

test("pcall returns the error table intact, with the shared metatable", function()
  local ok1, e1 = pcall(jobruns.create, "x", task())
  local ok2, e2 = pcall(processruns.get, "y")
  check.eq(ok1 or ok2, false)
  check.truthy(getmetatable(e1) == getmetatable(e2), "shared metatable")
  check.truthy(procsh.iserror(e1) and procsh.iserror(e2), "procsh.iserror")
  check.eq(procsh.iserror({ kind = "api" }), false, "iserror of a plain table")
  -- Rethrown, it is still the same table.
  local ok3, e3 = pcall(function() error(e1) end)
  check.truthy(not ok3 and rawequal(e1, e3), "rethrown error is the same table")
end)

test("503: retried, then an api error that is safe to retry", function()
  sandbox.faults("503=1")
  local e = check.fails({ kind = "api", status = 503, retryable = true }, jobruns.create, "demo-run", task())
  check.truthy(e.attempts > 1, "attempts > 1, got " .. tostring(e.attempts))
  check.truthy(e.retryAfter, "retryAfter")
  sandbox.faults("")
  check.eq(check.count(processruns.get("demo-run")), 6, "nothing created")
end)

test("429: rate limited, retryAfter says how long to wait", function()
  sandbox.faults("429=1")
  local e = check.fails({ kind = "api", status = 429, retryable = true }, processruns.get, "demo-run")
  check.eq(type(e.retryAfter), "number")
end)

test("500 on a create: the outcome is unknown, so it is not retried", function()
  sandbox.faults("500-after-commit=1")
  local e = check.fails({ kind = "api", status = 500, retryable = false, attempts = 1 }, jobruns.create, "demo-run", task())
  check.truthy(e.hint, "a hint that says why it was not retried")
  sandbox.faults("")
  check.eq(check.count(processruns.get("demo-run")), 7, "the server did the work")
end)

test("a reset connection is a transport error", function()
  sandbox.faults("reset-after-commit=1")
  check.fails({ kind = "transport", retryable = false }, jobruns.create, "demo-run", task())
end)

test("reads are retried through a reset connection", function()
  -- The fault counter is the evidence that connections were reset (it counts for the
  -- whole run, so only its growth counts); read until one was, each read whole.
  local before = check.stats().faults.reset or 0
  sandbox.faults("reset=0.5")
  local reads, resets = 0, 0
  repeat
    reads = reads + 1
    check.eq(processruns.get("demo-run").id, "demo-run", "read " .. reads)
    resets = (check.stats().faults.reset or 0) - before
  until resets > 0 or reads == 20
  sandbox.faults("")
  check.truthy(resets > 0, "a reset injected in " .. reads .. " reads")
end)

test("an id too long for a request line is refused before sending", function()
  local task = jobruns.sendTask{ assignee = "user123", title = "T" }
  check.fails({ kind = "validation", code = "requestTooLong", message = "70021 bytes long" },
    jobruns.create, string.rep("x", 70000), task)
  check.fails({ kind = "validation", code = "requestTooLong" }, processruns.get, string.rep("y", 9000))
end)
