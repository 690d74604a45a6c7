#!/usr/bin/env procsh
-- handling-errors.lua: what failures look like and how a script decides.
-- Every failure is a table (kind, status, code, message, retryable,
-- retryAfter, field, ...) that pcall returns intact; tostring gives one line.
--
--   procsh --sandbox scripts/examples/handling-errors.lua

local task = jobruns.sendTask{ assignee = "user123", title = "Double-check the accruals" }

-- 1. A conflict (409): the certification group is read-only.
local ok, e = pcall(jobruns.create, "demo-run", task, { parentGroup = "group-certification" })
print("1.", tostring(e))
if not ok and e.status == 409 then
  print("   the group does not take new job runs; adding the task at the end of the run instead")
  jobruns.create("demo-run", task)
end

-- 2. A validation error: found before anything is sent, and named by its path.
ok, e = pcall(jobruns.create, "demo-run", {
  task,
  { action = "sendTask", arguments = { type = "sendTask",
    sendTaskArgs = { assignee = { id = "user123", type = "user" }, titel = "Typo" } } },
})
print("2.", tostring(e))
print("   kind = " .. e.kind .. ", field = " .. e.field .. ", code = " .. e.code)

-- 3. Rate limited (429): procsh already waited and retried; `retryable` says the
-- server did nothing, `retryAfter` how long it asked to wait. A cron job can
-- give up now and run again later, or wait and try once more.
local function createWithRetry(run, jobs, opts, tries)
  for attempt = 1, tries do
    local ok, result = pcall(jobruns.create, run, jobs, opts)
    if ok then return result end
    if not (result.retryable and attempt < tries) then error(result, 0) end
    local wait = result.retryAfter or 1
    print(("   attempt %d: %s; waiting %gs"):format(attempt, tostring(result), wait))
    if sandbox then sandbox.faults("") end  -- in the sandbox, the limit is gone after the wait
    procsh.sleep(wait)
  end
end

if sandbox then sandbox.faults("429=1") end  -- the sandbox answers every request with 429
print("3. creating while rate limited")
local created = createWithRetry("demo-run", task, nil, 2)
print("   created " .. created[1].id .. " on the second try")

-- An error that is not retryable (a 500 on a create: it may have been done)
-- must not be sent again blindly: read the run and check instead.
