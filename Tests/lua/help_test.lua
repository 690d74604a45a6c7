-- help(): every public function has an entry, and the list shows each whole.
local check = require "check"

--- What help(...) prints, as one string.
local function printed(...)
  local lines = {}
  local real = print
  print = function(...)
    local parts = table.pack(...)
    for i = 1, parts.n do parts[i] = tostring(parts[i]) end
    lines[#lines + 1] = table.concat(parts, "\t")
  end
  local ok, e = pcall(help, ...)
  print = real
  if not ok then error(e, 0) end
  return table.concat(lines, "\n")
end

local MODULES = { "jobruns", "processruns", "processes", "json", "log", "procsh", "sandbox" }

--- Every function in the public module tables, by name: { "jobruns.create", ... }.
local function functions()
  local names = {}
  for _, module in ipairs(MODULES) do
    for key, value in pairs(_G[module]) do
      if type(value) == "function" then names[#names + 1] = module .. "." .. key end
    end
  end
  table.sort(names)
  return names
end

test("every public function has help, by value and by name, and is in the list", function()
  local list = printed()
  local names = functions()
  check.truthy(#names >= 30, "found " .. #names .. " functions")
  for _, name in ipairs(names) do
    local module, key = name:match("^([^.]+)%.(.+)$")
    local byValue = printed(_G[module][key])
    check.truthy(not byValue:find("no help for", 1, true), "help(" .. name .. "): " .. byValue)
    check.eq(byValue, printed(name), "help(" .. name .. ") and help(\"" .. name .. "\")")
    check.matches(list, "\n  " .. name:gsub("%.", "%%.") .. " +%S", "help() lists " .. name)
  end
end)

test("a function kept from before its module was loaded still has help", function()
  -- A fresh procsh: each of these is the stand-in that loads its module on first use.
  local script = [[
    local keep = { procsh.help, processruns.isgroup, processruns.label, log.warn, procsh.inspect }
    processruns.isgroup({}) log.warn("x") procsh.inspect(1)
    local out = {}
    print = function(s) out[#out + 1] = s end
    for _, f in ipairs(keep) do help(f) end
    io.stdout:write(table.concat(out, "\n"))
  ]]
  local first = -1
  while arg[first - 1] do first = first - 1 end  -- arg[first]: the procsh running this
  local p = assert(io.popen("'" .. arg[first] .. "' --log-level error -e '" .. script:gsub("'", "'\\''") .. "' 2>&1"))
  local text = p:read("a")
  p:close()
  check.truthy(not text:find("no help for", 1, true), text)
  for _, signature in ipairs { "procsh.help([f])", "processruns.isgroup(node)", "processruns.label(node)", "log.warn(format, ...)",
    "procsh.inspect(value" } do
    check.truthy(text:find(signature, 1, true), signature .. " in " .. text)
  end
end)

test("the list shows each description's first sentence whole", function()
  local list = printed()
  check.matches(list, "json%.decode +The Lua value of JSON text; null is procsh%.null\n")
  check.matches(list, "jobruns%.create +Creates job runs in a running process run\n")
  check.matches(list, "jobruns%.ensure +As jobruns%.create, but creates only the jobs not in the target group yet\n")
  check.matches(list, "processruns%.isgroup +Whether a node is a group run")
  check.matches(list, "log%.debug +A debug line on stderr")
end)

test("something that is not a function of the API", function()
  check.matches(printed(print), "^no help for function: 0x%x+; help%(%) lists the API$")
  check.eq(printed("nope.nothing"), "no help for nope.nothing; help() lists the API")
end)
