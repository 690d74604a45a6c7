-- Assertions for the Lua tests; each failure says what was expected and what came.
local check = {}

local function show(v)
  if type(v) == "string" then return string.format("%q", v) end
  return tostring(v)
end

--- check.eq(actual, expected [, what]): equal values (tables: deeply).
function check.eq(actual, expected, what)
  local function same(a, b)
    if type(a) ~= "table" or type(b) ~= "table" then return a == b end
    for k, v in pairs(a) do if not same(v, b[k]) then return false end end
    for k in pairs(b) do if a[k] == nil then return false end end
    return true
  end
  if not same(actual, expected) then
    local text = json and pcall(json.encode, actual) and json.encode(actual) or show(actual)
    local want = json and pcall(json.encode, expected) and json.encode(expected) or show(expected)
    error(("%sexpected %s, got %s"):format(what and (what .. ": ") or "", want, text), 2)
  end
end

--- check.truthy(v [, what])
function check.truthy(v, what)
  if not v then error((what or "value") .. ": expected a true value, got " .. show(v), 2) end
end

--- check.matches(s, pattern [, what]): a string that contains the Lua pattern.
function check.matches(s, pattern, what)
  if type(s) ~= "string" or not s:find(pattern) then
    error(("%sexpected a string matching %q, got %s"):format(what and (what .. ": ") or "", pattern, show(s)), 2)
  end
end

--- check.fails(fields, fn, ...): fn(...) raises an error table whose fields
--- include `fields` (`message`, `hint` and `target`: a plain substring of the
--- field; any other field: equal); returns it.
function check.fails(fields, fn, ...)
  local ok, e = pcall(fn, ...)
  if ok then error("expected an error, but the call succeeded", 2) end
  if not procsh.iserror(e) then error("expected an error table, got " .. show(e), 2) end
  for k, want in pairs(fields) do
    local got = e[k]
    local good
    if (k == "message" or k == "hint" or k == "target") and type(got) == "string" then
      good = got:find(want, 1, true) ~= nil
    else good = got == want end
    if not good then
      error(("error.%s: expected %s, got %s (error: %s)"):format(k, show(want), show(got), tostring(e)), 2)
    end
  end
  return e
end

--- check.count(run): how many job runs a process run holds, at any depth.
function check.count(run)
  local n = 0
  for _ in processruns.jobs(run) do n = n + 1 end
  return n
end

--- check.ids(nodes): the ids of a list of nodes, in order.
function check.ids(nodes)
  local ids = {}
  for i, node in ipairs(nodes) do ids[i] = node.id end
  return ids
end

--- check.stats(): the sandbox's counters, from its admin endpoint GET
--- /_sandbox/stats (read with curl: scripts have no HTTP of their own):
--- { requests = answered, faults = { reset = injected, ... }, faultPlan = spec }.
function check.stats()
  local curl = assert(io.popen("curl -sf '" .. sandbox.url .. "/_sandbox/stats'"))
  local text = curl:read("a")
  if not curl:close() or text == "" then error("cannot read " .. sandbox.url .. "/_sandbox/stats with curl", 2) end
  return json.decode(text)
end

return check
