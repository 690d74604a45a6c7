-- processes.list / get / create / run
local check = require "check"

test("list iterates lazily over every page", function()
  processes.create{ name = "Second" }
  processes.create{ name = "Third" }
  local names = {}
  for process in processes.list{ pageSize = 1, orderBy = "name" } do names[#names + 1] = process.name end
  check.eq(names, { "Q4 close", "Second", "Third" })
  local filtered = {}
  for process in processes.list{ filter = "name contains 'Q4'" } do filtered[#filtered + 1] = process.id end
  check.eq(filtered, { "demo-process" })
end)

test("get, create and run", function()
  check.eq(processes.get("demo-process").name, "Q4 close")
  local process = processes.create{ name = "Onboarding", children = {
    { name = "Paperwork", parallel = true, children = {
      jobruns.sendTask{ assignee = "user123", title = "Sign the contract" },
    } },
  } }
  check.matches(process.id, "^process%-")
  local run = processes.run(process, { sendProcessCompleteEmail = false })
  check.matches(run.id, "^run%-")
  local full = processruns.get(run)
  check.eq(check.count(full), 1)
  local created = jobruns.create(run, jobruns.sendTask{ assignee = "user123", title = "Welcome call" })
  check.eq(created[1].ordinal, 1)
end)

test("errors", function()
  check.fails({ kind = "api", status = 404 }, processes.get, "nope")
  check.fails({ kind = "api", status = 404 }, processes.run, "nope")
  check.fails({ field = "opts.pagesize", message = "did you mean 'pageSize'" }, processes.list, { pagesize = 1 })
  check.fails({ field = "opts.pageSize", code = "invalidValue" }, processes.list, { pageSize = 0 })
end)

test("a definition nested too deep is refused before anything is sent", function()
  local definition = { name = "Deep" }
  local node = definition
  for _ = 1, 65 do
    local group = { name = "g", parallel = false }
    node.children = { group }
    node = group
  end
  node.children = { jobruns.sendTask{ assignee = "user123", title = "T" } }
  check.fails({ kind = "validation", field = "process", message = "nested more than 64 deep" }, processes.create, definition)
end)
