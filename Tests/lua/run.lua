-- The Lua test runner: procsh --sandbox Tests/lua/run.lua [file.lua ...]
--
-- Each test file calls test(name, fn) for its cases. Before every case the
-- sandbox goes back to its demo data and loses its faults, so cases do not
-- depend on each other. A failing case prints its message and traceback; the
-- run ends with "lua tests: N passed, M failed" and status 1 if any failed.

assert(sandbox, "run the tests with procsh --sandbox")

local dir = (arg[0]:match("^(.*)/[^/]*$") or ".") .. "/"
package.path = dir .. "lib/?.lua;" .. package.path

local cases = {}

--- test(name, fn): registers a case of the file being loaded.
function test(name, fn)
  cases[#cases + 1] = { file = CURRENT_FILE, name = name, fn = fn }
end

local files = { ... }
if #files == 0 then
  local list = io.popen('ls "' .. dir .. '"*_test.lua')
  for path in list:lines() do files[#files + 1] = path end
  list:close()
end

for _, path in ipairs(files) do
  CURRENT_FILE = path:match("[^/]*$")
  local chunk, err = loadfile(path)
  if not chunk then
    cases[#cases + 1] = { file = CURRENT_FILE, name = "(loading)", fn = function() error(err, 0) end }
  else
    chunk()
  end
end

local passed, failed = 0, 0
for _, case in ipairs(cases) do
  sandbox.reset()
  sandbox.faults("")
  local ok, err = xpcall(case.fn, function(e)
    return debug.traceback(tostring(e), 2)
  end)
  if ok then
    passed = passed + 1
    print(("ok   %s: %s"):format(case.file, case.name))
  else
    failed = failed + 1
    print(("FAIL %s: %s\n     %s"):format(case.file, case.name, (err:gsub("\n", "\n     "))))
  end
end
print(("lua tests: %d passed, %d failed"):format(passed, failed))
os.exit(failed == 0 and 0 or 1)
