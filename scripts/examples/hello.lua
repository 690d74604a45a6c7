#!/usr/bin/env procsh
-- hello.lua: a first procsh script. procsh runs Lua 5.4 exactly as `lua` does,
-- so everything here is plain Lua: arguments in `arg` and `...`, tables,
-- string formatting, errors caught with pcall.
--
--   procsh scripts/examples/hello.lua [assignee] [due-date]

local assignee = arg[1] or "user123"
local due = arg[2] or "2024-12-15"

print(("Hello from %s!"):format(_VERSION))

-- The job runs a script will ask Workiva to create, as plain tables: the
-- shape of the createJobRuns request body.
local jobs = {
  { action = "sendTask", triggerType = "whenEligible",
    arguments = { type = "sendTask", sendTaskArgs = {
      assignee = { id = assignee, type = "user" },
      title = "Review Q4 financial report", dueDate = due } } },
  { action = "contentRequest", triggerType = "whenEligible",
    arguments = { type = "contentRequest", contentRequestArgs = {
      assignee = { id = assignee, type = "user" },
      approver = { id = "manager456", type = "user" },
      title = "Content Request 1", document = "doc456", section = "section-id-123",
      instructions = "Please fill out rows 1-10 in the spreadsheet." } } },
}

-- A due date must be a real calendar day.
local function checkDate(s)
  local y, m, d = s:match("^(%d%d%d%d)-(%d%d)-(%d%d)$")
  if not y then error(("dueDate %q is not YYYY-MM-DD"):format(s), 2) end
  local t = os.time{ year = tonumber(y), month = tonumber(m), day = tonumber(d), hour = 12 }
  if os.date("%Y-%m-%d", t) ~= s then error(("dueDate %q is not a real date"):format(s), 2) end
  return s
end

local ok, err = pcall(checkDate, due)
if not ok then
  io.stderr:write("hello.lua: ", err, "\n")
  os.exit(65)
end

print(("%d job runs to create in demo-run:"):format(#jobs))
for i, job in ipairs(jobs) do
  local args = job.arguments[job.action .. "Args"]
  print(("  %d. %-15s %-30s assignee=%s%s"):format(i, job.action, args.title,
    args.assignee.id, args.dueDate and (" due=" .. args.dueDate) or ""))
end
