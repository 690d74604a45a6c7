-- The standard task, as a procsh script: 1,000 job runs in 100 requests of 10
-- (50 appended into group-review, 50 after job-7), then the run read back
-- and its job runs counted.
--   procsh --base-url URL standard-task.lua   (credentials in WORKIVA_CLIENT_ID/SECRET)
local run = "demo-run"
for request = 1, 100 do
  local jobs = {}
  for i = 1, 10 do
    jobs[i] = jobruns.sendTask{ assignee = "user123", title = ("Task %d.%d"):format(request, i), dueDate = "2024-12-15" }
  end
  if request % 2 == 1 then
    jobruns.create(run, jobs, { parentGroup = "group-review" })
  else
    jobruns.create(run, jobs, { relativeSibling = "job-7", before = false })
  end
end
local count = 0
for _ in processruns.jobs(processruns.get(run)) do count = count + 1 end
if count ~= 1006 then error(("expected 1006 job runs, found %d"):format(count)) end
