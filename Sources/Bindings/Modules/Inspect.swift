/// `procsh.inspect(value [, opts])`: a value as readable text, the prompt's
/// printer. Written in Lua: it only reads tables.
enum Inspect {
    static let source = #"""
local procsh = ...
local type, tostring, rawget, pairs, next, format = type, tostring, rawget, pairs, next, string.format
local concat, sort, rep = table.concat, table.sort, string.rep
local math_type, ipairs = math.type, ipairs

local function isidentifier(k)
  return type(k) == "string" and k:match("^[%a_][%w_]*$") ~= nil
end

local function scalar(x)
  local t = type(x)
  if t == "string" then return format("%q", x):gsub("\\\n", "\\n") end
  if x == procsh.null then return "null" end
  if t == "number" and math_type(x) == "float" and x == x and x ~= math.huge and x ~= -math.huge and x % 1 == 0 then
    return format("%.1f", x)
  end
  return tostring(x)
end

local function isarray(t)
  return t.children == nil and rawget(t, 1) ~= nil
end

local label = processruns.label

-- API objects in one line: job runs, group runs, process runs, errors.
local function summary(t)
  if procsh.iserror(t) then return "<error: " .. tostring(t) .. ">" end
  if type(t.id) ~= "string" then return nil end
  local status = t.status and (" [" .. tostring(t.status) .. "]") or ""
  local title = label(t)
  title = title and (" " .. format("%q", title)) or ""
  local ordinal = math_type(t.ordinal) == "integer" and (" #" .. t.ordinal) or ""
  if type(t.action) == "string" and t.children == nil then
    return format("<job run %s%s %s%s%s>", t.id, ordinal, t.action, title, status)
  end
  if type(t.children) == "table" then
    local n = #t.children
    local kind = (t.parallel ~= nil or t.readOnly ~= nil) and "group run" or "process run"
    return format("<%s %s%s%s%s, %d %s>", kind, t.id, ordinal, title, status, n, n == 1 and "child" or "children")
  end
  return nil
end

local function keyorder(a, b)
  local ta, tb = type(a), type(b)
  if ta ~= tb then return ta < tb end
  if ta == "number" or ta == "string" then return a < b end
  return tostring(a) < tostring(b)
end

--- procsh.inspect(value [, {depth = 4, items = 50, raw = false}]): readable text.
function procsh.inspect(value, opts)
  opts = opts or {}
  local maxdepth, maxitems, raw = opts.depth or 4, opts.items or 50, opts.raw
  local onpath = {}

  local function render(x, depth, indent)
    if type(x) ~= "table" then return scalar(x) end
    if onpath[x] then return "<cycle: " .. tostring(x) .. ">" end
    if not raw then
      local s = summary(x)
      if s then return s end
    end
    if next(x) == nil then return "{}" end
    if depth >= maxdepth then return "{...}" end
    onpath[x] = true
    local items, n = {}, 0
    while rawget(x, n + 1) ~= nil do n = n + 1 end
    for i = 1, n do items[#items + 1] = render(rawget(x, i), depth + 1, indent .. "  ") end
    local keys = {}
    for k in pairs(x) do
      if not (math_type(k) == "integer" and k >= 1 and k <= n) then keys[#keys + 1] = k end
    end
    sort(keys, keyorder)
    for _, k in ipairs(keys) do
      local name = isidentifier(k) and k or ("[" .. scalar(k) .. "]")
      items[#items + 1] = name .. " = " .. render(rawget(x, k), depth + 1, indent .. "  ")
    end
    onpath[x] = nil
    local total = #items
    if total > maxitems then
      for i = maxitems + 1, total do items[i] = nil end
      items[#items + 1] = format("... (%d more)", total - maxitems)
    end
    local oneline = "{ " .. concat(items, ", ") .. " }"
    if #oneline + #indent <= 78 and not oneline:find("\n") then return oneline end
    return "{\n" .. indent .. "  " .. concat(items, ",\n" .. indent .. "  ") .. "\n" .. indent .. "}"
  end

  return render(value, 0, "")
end
"""#
}
