-- jobruns.sendTask{} and jobruns.contentRequest{} build job specs in the API's shape.
local check = require "check"

test("sendTask builds the API's shape with whenEligible", function()
  check.eq(jobruns.sendTask{ assignee = "user123", title = "T", dueDate = "2024-12-15", document = "doc456" }, {
    action = "sendTask", triggerType = "whenEligible",
    arguments = { type = "sendTask", sendTaskArgs = {
      assignee = { id = "user123", type = "user" }, title = "T", dueDate = "2024-12-15", document = "doc456" } },
  })
end)

test("contentRequest builds the API's shape", function()
  check.eq(jobruns.contentRequest{
    assignee = { id = "finance-team", type = "group" }, title = "T", document = "doc456", section = "section-id-123",
    approver = { id = "manager456" }, instructions = "Fill it in",
  }, {
    action = "contentRequest", triggerType = "whenEligible",
    arguments = { type = "contentRequest", contentRequestArgs = {
      assignee = { id = "finance-team", type = "group" }, approver = { id = "manager456", type = "user" },
      title = "T", document = "doc456", section = "section-id-123", instructions = "Fill it in" } },
  })
end)

test("an explicit triggerType is kept", function()
  check.eq(jobruns.sendTask{ assignee = "u", title = "T", triggerType = "whenEligible" }.triggerType, "whenEligible")
end)

test("a built spec is accepted as is by create", function()
  local spec = jobruns.contentRequest{ assignee = "user789", title = "T", document = "doc456", section = "section-id-123" }
  local created = jobruns.create("demo-run", spec)
  check.eq(created[1].arguments.contentRequestArgs.section, "section-id-123")
end)

test("builder mistakes name the builder's field", function()
  check.fails({ kind = "validation", field = "sendTask.title", code = "missingField" }, jobruns.sendTask, { assignee = "u" })
  check.fails({ field = "sendTask.titel", code = "unknownField", message = "did you mean 'title'" },
    jobruns.sendTask, { assignee = "u", titel = "T" })
  check.fails({ field = "sendTask.assignee", code = "wrongType" }, jobruns.sendTask, { assignee = 42, title = "T" })
  check.fails({ field = "sendTask.assignee.type", message = "'person' is not one of user, group" },
    jobruns.sendTask, { assignee = { id = "u", type = "person" }, title = "T" })
  check.fails({ field = "contentRequest.section", code = "missingField" },
    jobruns.contentRequest, { assignee = "u", title = "T", document = "doc456" })
  check.fails({ field = "sendTask.triggerType", message = "not one of whenEligible" },
    jobruns.sendTask, { assignee = "u", title = "T", triggerType = "manual" })
  check.fails({ field = "sendTask", code = "wrongType" }, jobruns.sendTask, "user123")
end)
