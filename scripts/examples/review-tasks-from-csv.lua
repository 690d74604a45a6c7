#!/usr/bin/env procsh
-- review-tasks-from-csv.lua: one review task per row of a CSV file, added at
-- the end of a group found by its name.
--
--   procsh --sandbox scripts/examples/review-tasks-from-csv.lua [file.csv] [group name] [run]
--
-- The CSV has a header line naming its columns: assignee, title, dueDate
-- (dueDate may be empty). Quoted fields may hold commas. Every row is checked
-- before anything is sent: one bad row and nothing is created. Run it again
-- (from cron, or after a crash) and it adds only the rows not there yet.

local here = arg[0]:match("^(.*)/[^/]*$") or "."
local path = arg[1] or (here .. "/reviewers.csv")
local groupName = arg[2] or "Review"
local runID = arg[3] or "demo-run"

-- Splits one CSV line into fields ("" quotes a quote inside a quoted field).
local function fields(line)
  local out, i = {}, 1
  line = line:gsub("\r$", "")
  while i <= #line + 1 do
    if line:sub(i, i) == '"' then
      local value, j = "", i + 1
      while true do
        local q = line:find('"', j, true)
        if not q then error(("%s: unterminated quote in: %s"):format(path, line), 0) end
        value = value .. line:sub(j, q - 1)
        if line:sub(q + 1, q + 1) == '"' then value, j = value .. '"', q + 2 else j = q + 1 break end
      end
      out[#out + 1] = value
      i = j + 1
    else
      local comma = line:find(",", i, true) or (#line + 1)
      out[#out + 1] = line:sub(i, comma - 1)
      i = comma + 1
    end
  end
  return out
end

local file = assert(io.open(path))
local header = fields(file:read("l"))
local jobs = {}
for line in file:lines() do
  if line:match("%S") then
    local row = {}
    for k, value in ipairs(fields(line)) do row[header[k]] = value end
    jobs[#jobs + 1] = jobruns.sendTask{
      assignee = row.assignee, title = row.title,
      dueDate = row.dueDate ~= "" and row.dueDate or nil,
    }
  end
end
file:close()

local run = processruns.get(runID)
local group = processruns.find(run, { name = groupName })
if not group then
  error(("no group named %q in %s"):format(groupName, runID), 0)
end

local tasks, created = jobruns.ensure(run, jobs, { parentGroup = group })
log.info("added %d review tasks to %q (%s); %d were there already", created, groupName, group.id, #tasks - created)
for _, job in ipairs(tasks) do
  local args = job.arguments.sendTaskArgs
  print(("%-10s %-12s %s"):format(job.id, args.assignee.id, args.title))
end
