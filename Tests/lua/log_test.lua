-- log.debug/info/warn/error: formatting; the output is checked end to end.
local check = require "check"

test("log formatting errors name the log function", function()
  local ok, e = pcall(function() log.info("%d", "x") end)
  check.eq(ok, false)
  check.matches(e, "log_test%.lua:%d+: bad argument #2 to 'log.info' %(number expected, got string%)$")
end)
