#!/usr/bin/env procsh
-- exactly-once.lua: create job runs exactly once, even when answers are lost.
--
--   procsh --sandbox scripts/examples/exactly-once.lua [count] [run] [group] [prefix]
--
-- procsh retries what is safe to retry (429, 503, a connection that never
-- opened). A create whose answer is lost (the connection broke, or a 500 after
-- the server did the work) is not sent again: it may have been done, and
-- sending it twice would create the job runs twice. procsh reports it as an
-- error with `unknown` set. This script gives every job run a title of its
-- own; after such an error it reads the run to see which titles are there and
-- sends only the rest. Job runs created again this way go after the others.
--
-- With --sandbox it first asks the sandbox to lose some answers.

local count = tonumber(arg[1]) or 200
local run = arg[2] or "demo-run"
local group = arg[3] or "group-review"
local prefix = arg[4] or "Exactly once"

if sandbox then
  sandbox.faults("500-after-commit=0.1,reset-after-commit=0.1,reset=0.1")
end

local function title(i) return ("%s %04d"):format(prefix, i) end

-- How many times each title is in the run now.
local function present()
  local seen = {}
  for job in processruns.jobs(processruns.get(run)) do
    local args = job.arguments and job.arguments.sendTaskArgs
    if args and args.title then seen[args.title] = (seen[args.title] or 0) + 1 end
  end
  return seen
end

local missing = {}
for i = 1, count do missing[i] = i end
local rounds, unknown = 0, 0
while #missing > 0 do
  rounds = rounds + 1
  if rounds > 10 then error(("%d job runs still missing after 10 rounds"):format(#missing)) end
  local jobs = {}
  for k, i in ipairs(missing) do
    jobs[k] = jobruns.sendTask{ assignee = "user123", title = title(i) }
  end
  local ok, err = pcall(jobruns.create, run, jobs, { parentGroup = group, batchSize = 10 })
  if ok then break end
  -- A mistake in the request, or a refusal, will not go away by sending it again.
  if not procsh.iserror(err) or not (err.unknown or err.retryable) then error(err, 0) end
  unknown = unknown + (err.unknown and #err.unknown or 0)
  log.warn("round %d: %s", rounds, err.message)
  -- What is in the run now was created; what is not, was not.
  local seen = present()
  local rest = {}
  for _, i in ipairs(missing) do
    if not seen[title(i)] then rest[#rest + 1] = i end
  end
  missing = rest
end

-- Check: each title exactly once.
local seen, duplicates, absent = present(), 0, 0
for i = 1, count do
  local n = seen[title(i)] or 0
  if n == 0 then absent = absent + 1 elseif n > 1 then duplicates = duplicates + n - 1 end
end
print(("created %d job runs in %d round(s); %d job runs had an unknown outcome and were checked by reading the run; missing %d, duplicates %d")
  :format(count - absent, rounds, unknown, absent, duplicates))
if absent > 0 or duplicates > 0 then os.exit(1) end
