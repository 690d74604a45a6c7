-- log.debug/info/warn/error: formatting; the output is checked end to end.
local check = require "check"

test("log formatting errors name the log function", function()
  local e = check.fails({ kind = "validation", field = "format", code = "wrongType" }, log.info, "%d", "x")
  check.eq(e.message, "log.info: bad argument #2 (number expected, got string)")
  check.eq(tostring(e), "validation: format: log.info: bad argument #2 (number expected, got string)")
end)

test("a bad format string is a validation error naming the function", function()
  local e = check.fails({ kind = "validation", field = "format", code = "invalidValue" }, log.info, "100%", 1)
  check.eq(e.message, "log.info: invalid conversion '%' to 'format'")
  check.fails({ field = "format", message = "log.warn: bad argument #1 (string expected, got nil)" }, log.warn, nil, 1)
  check.fails({ field = "format", message = "log.error: bad argument #2 (value has no literal form)" }, log.error, "%q", {})
  check.fails({ field = "format", message = "log.info: bad argument #2 (number has no integer representation)" },
    log.info, "%d", 1.5)
end)

test("a __tostring that returns no string is a validation error", function()
  local odd = setmetatable({}, { __tostring = function() return {} end })
  check.fails({ field = "format", message = "log.info: '__tostring' must return a string" }, log.info, "%s", odd)
  check.fails({ field = "format", message = "log.info: '__tostring' must return a string" }, log.info, odd)
end)

test("the script's own error in a __tostring goes on unchanged", function()
  local mine = {}
  local raiser = setmetatable({}, { __tostring = function() error(mine) end })
  local ok, e = pcall(log.info, "%s", raiser)
  check.eq(ok, false)
  check.truthy(rawequal(e, mine), "the same error object")
  ok, e = pcall(log.warn, raiser)
  check.truthy(not ok and rawequal(e, mine), "the same error object, without arguments")
  ok, e = pcall(log.info, "%s", setmetatable({}, { __tostring = function() error("boom", 0) end }))
  check.eq(e, "boom")
end)

test("below the level nothing is formatted", function()
  log.debug("%d", "x")  -- below the default level (info): not formatted, no error
  log.debug("100%", 1)
end)
