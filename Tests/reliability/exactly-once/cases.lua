-- cases.lua CASE: one lost answer, made to happen exactly where a test wants
-- it (sandbox.faults with a count), then what procsh did about it, as one
-- line of JSON for Tests/EndToEndTests/ExactlyOnceTests.swift:
--   {"ok": ..., "created": n, "reconciled": [...], "error": {...}, "group": [titles...]}
-- Run with `procsh --sandbox cases.lua CASE`. A case that ends in an error
-- prints the line, then raises the error again (procsh exits non-zero).

local case = arg[1]
local run, group = "demo-run", "group-review"

-- n sendTask specs titled "<prefix> 1".."<prefix> n".
local function specs(prefix, n)
  local jobs = {}
  for i = 1, n do jobs[i] = jobruns.sendTask{ assignee = "user123", title = ("%s %d"):format(prefix, i) } end
  return jobs
end

-- The titles of group-review's job runs, in order, read without faults.
local function titles()
  sandbox.faults("")
  for _, node in ipairs(processruns.get(run).children) do
    if node.id == group then
      local t = {}
      for i, child in ipairs(node.children) do
        local args = child.arguments and (child.arguments.sendTaskArgs or child.arguments.contentRequestArgs)
        t[i] = args and args.title or child.id
      end
      return t
    end
  end
end

-- Runs f under pcall and prints what happened; raises its error again.
local function report(f, ...)
  local ok, created, reconciled, extra = pcall(f, ...)
  local out = { ok = ok, group = titles() }
  if ok then
    out.created = #created
    -- jobruns.create returns (job runs, reconciled); jobruns.ensure (job runs, created, reconciled).
    if type(reconciled) == "number" then out.made, reconciled = reconciled, extra end
    out.reconciled = json.array(reconciled)
  else
    local e = created
    out.error = {
      kind = e.kind, status = e.status, retryable = e.retryable, message = e.message,
      unknown = e.unknown and json.array(e.unknown), notCreated = e.notCreated and json.array(e.notCreated),
      undecided = e.undecided, created = e.created and #e.created,
    }
  end
  print(json.encode(out))
  if not ok then error(created, 0) end
end

local opts = { parentGroup = group, batchSize = 5 }
local cases = {}

-- (a) The first batch of a script that never read the run, lost after the work
-- was done: the job runs at the end of the group look like the batch's, and
-- procsh cannot tell whether they stood there already. It says so; it does not guess.
cases["no-view-500-after-commit"] = function()
  sandbox.faults("500-after-commit@createJobRuns=1x1")
  report(jobruns.create, run, specs("A", 10), opts)
end

-- (b) The same after processruns.get: the view tells the new job runs from the old.
cases["view-500-after-commit"] = function()
  processruns.get(run)
  sandbox.faults("500-after-commit@createJobRuns=1x1")
  report(jobruns.create, run, specs("B", 10), opts)
end

-- (c) A broken connection before any work: nothing was created, all is sent again.
cases["view-reset"] = function()
  processruns.get(run)
  sandbox.faults("reset@createJobRuns=1x1")
  report(jobruns.create, run, specs("C", 10), opts)
end

-- (c') The same without a view: the job run at the end of the group (job-12,
-- a content request) is not the batch's, so nothing of the batch is there.
cases["no-view-reset"] = function()
  sandbox.faults("reset@createJobRuns=1x1")
  report(jobruns.create, run, specs("C", 10), opts)
end

-- (c'') A cut-off 201 proves the work was done: certain even without a view.
cases["no-view-reset-after-commit"] = function()
  sandbox.faults("reset-after-commit@createJobRuns=1x1")
  report(jobruns.create, run, specs("G", 10), opts)
end

-- (d) The reads made to find out fail too (the client retries them).
cases["reads-fail"] = function()
  processruns.get(run)
  sandbox.faults("500-after-commit@createJobRuns=1x1,reset@getProcessRun=1x3")
  report(jobruns.create, run, specs("D", 10), opts)
end

-- (d') More read failures than the client's own attempts (4): procsh reads again.
cases["reads-fail-longer"] = function()
  processruns.get(run)
  sandbox.faults("500-after-commit@createJobRuns=1x1,reset@getProcessRun=1x5")
  report(jobruns.create, run, specs("D", 10), opts)
end

-- (e) opts.reconcile = false: the old error, nothing sent again.
cases["no-reconcile"] = function()
  processruns.get(run)
  sandbox.faults("500-after-commit@createJobRuns=1x1")
  report(jobruns.create, run, specs("E", 10), { parentGroup = group, batchSize = 5, reconcile = false })
end

-- (f) The same job runs already stand at the place: created once, then again
-- on purpose through a lost answer. The view tells the old copy from the new.
cases["identical-500-after-commit"] = function()
  processruns.get(run)
  jobruns.create(run, specs("F", 5), opts)
  sandbox.faults("500-after-commit@createJobRuns=1x1")
  report(jobruns.create, run, specs("F", 5), opts)
end

-- (f') The same, the second time through a reset (nothing done): all sent again.
cases["identical-reset"] = function()
  processruns.get(run)
  jobruns.create(run, specs("F", 5), opts)
  sandbox.faults("reset@createJobRuns=1x1")
  report(jobruns.create, run, specs("F", 5), opts)
end

-- (f'') Identical job runs before a sibling (job-12), the second call's first
-- batch lost after commit: the first call's last job run is its lower neighbour.
cases["identical-before-sibling"] = function()
  processruns.get(run)
  local before = { parentGroup = group, relativeSibling = "job-12", batchSize = 5 }
  jobruns.create(run, specs("H", 10), before)
  sandbox.faults("500-after-commit@createJobRuns=1x1")
  report(jobruns.create, run, specs("H", 10), before)
end

-- (i) jobruns.ensure through a lost answer: its own read is the view.
cases["ensure-500-after-commit"] = function()
  jobruns.create(run, specs("I", 3), opts)
  sandbox.faults("500-after-commit@createJobRuns=1x1")
  report(jobruns.ensure, run, specs("I", 10), opts)
end

local f = cases[case]
if not f then error("unknown case " .. tostring(case)) end
f()
