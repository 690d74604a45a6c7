local procsh, invalid = ...
local type, tostring, rawget, rawlen, rawequal, next, pcall, error, format =
  type, tostring, rawget, rawlen, rawequal, next, pcall, error, string.format
local concat, sort, rep, match, find = table.concat, table.sort, string.rep, string.match, string.find
local math_type, tointeger, ipairs, utf8len = math.type, math.tointeger, ipairs, utf8.len
local null, iserror = procsh.null, procsh.iserror

-- The tables' own fields are read (rawget, next): a metatable is never
-- consulted, so a table's metamethods cannot change, break or stop the text.
-- invalid(field, message [, code]) raises a validation error table.

-- A value as an error message shows it: number 5, string 'x', a table.
local function describe(v)
  local t = type(v)
  if t == "nil" then return "nil" end
  if rawequal(v, null) then return "procsh.null" end
  if t == "string" then return (#v <= 40 and utf8len(v)) and ("string '" .. v .. "'") or "a string" end
  if t == "number" or t == "boolean" then return t .. " " .. tostring(v) end
  return "a " .. t
end

local function isidentifier(k)
  return type(k) == "string" and match(k, "^[%a_][%w_]*$") ~= nil
end

-- What tostring gives a table, a function, a thread or a userdata without
-- metamethods: "table: 0x...".
local function address(x)
  return type(x) .. ": " .. format("%p", x)
end

local function scalar(x)
  local t = type(x)
  if t == "string" then return (format("%q", x):gsub("\\\n", "\\n")) end
  if rawequal(x, null) then return "null" end
  if t == "number" and math_type(x) == "float" and x == x and x ~= math.huge and x ~= -math.huge and x % 1 == 0 then
    return format("%.1f", x)
  end
  if t == "table" then return address(x) end
  return tostring(x)
end

local label = procsh.processruns.label

-- opts.color: ANSI colours for a terminal (the prompt's results): ids,
-- statuses by what they mean, strings, errors.
local COLOURS = {
  id = "\27[1;36m", string = "\27[32m", error = "\27[31m",
  waiting = "\27[2m", running = "\27[33m", cancelling = "\27[35m", complete = "\27[32m", cancelled = "\27[31m",
}
local function plain(_, text) return text end
local function colour(kind, text)
  local c = COLOURS[kind]
  return c and (c .. text .. "\27[0m") or text
end
-- The width a line takes on the terminal: its colours take none.
local function width(text)
  return #(text:gsub("\27%[[%d;]*m", ""))
end

-- A field shown in a one-liner: a string, or a number; nil for anything else.
local function text(v)
  if type(v) == "string" then return v end
  if type(v) == "number" then return scalar(v) end
  return nil
end

-- Whether an API object is a run (of a process, group or job) rather than
-- part of a process's definition: only a run has run-time state.
local function isrun(t)
  return rawget(t, "status") ~= nil or rawget(t, "statusCounts") ~= nil
end

-- API objects in one line: processes, process runs, groups, group runs,
-- jobs, job runs, errors.
local function summary(t, paint)
  if iserror(t) then return paint("error", "<error: " .. tostring(t) .. ">") end
  local id = rawget(t, "id")
  if type(id) ~= "string" then return nil end
  local status = text(rawget(t, "status"))
  status = status and (" [" .. paint(status, status) .. "]") or ""
  local title = label(t)
  title = title and (" " .. paint("string", format("%q", title))) or ""
  id = paint("id", id)
  local ordinal = rawget(t, "ordinal")
  ordinal = math_type(ordinal) == "integer" and (" #" .. ordinal) or ""
  local action, children = rawget(t, "action"), rawget(t, "children")
  local run = isrun(t) and " run" or ""
  if type(action) == "string" and children == nil then
    return format("<job%s %s%s %s%s%s>", run, id, ordinal, action, title, status)
  end
  if type(children) == "table" then
    local n = rawlen(children)
    local group = rawget(t, "parallel") ~= nil or rawget(t, "readOnly") ~= nil
    if not group and rawget(t, "processId") ~= nil then run = " run" end
    return format("<%s%s %s%s%s%s, %d %s>", group and "group" or "process", run, id, ordinal, title, status, n,
      n == 1 and "child" or "children")
  end
  return nil
end

local function keyorder(a, b)
  local ta, tb = type(a), type(b)
  if ta ~= tb then return ta < tb end
  if ta == "number" or ta == "string" then return a < b end
  if ta == "boolean" then return not a and b end
  return address(a) < address(b)
end

-- The options, checked: { depth = 4, items = 50, raw = false, color = false }.
local OPTIONS = { "depth", "items", "raw", "color" }
local DEFAULTS = { depth = 4, items = 50 }
-- Deeper tables cost more than they show (each level copies the text
-- nested in it): a larger depth counts as this one.
local MAXDEPTH = 1000

-- The path of opts[key], as validation errors name fields: opts.depth, opts[1].
local function member(key)
  if isidentifier(key) then return "opts." .. key end
  if type(key) == "string" then return "opts[" .. format("%q", key):gsub("\\\n", "\\n") .. "]" end
  if type(key) == "number" then return "opts[" .. scalar(key) .. "]" end
  return "opts[" .. describe(key) .. "]"
end

-- The closest option name to a misspelt one, as the Swift bindings suggest
-- it: the same letters in another case, or a few edits apart (one per three
-- letters, at most three; two swapped neighbours count as one edit).
local function suggestion(word)
  if type(word) ~= "string" or #word > 12 then return nil end
  local lower = word:lower()
  for _, name in ipairs(OPTIONS) do
    if name:lower() == lower then return name end
  end
  local limit = math.max(1, math.min(3, (utf8len(word) or #word) // 3))
  local best, bestd
  for _, name in ipairs(OPTIONS) do
    local a, b = lower, name:lower()
    local prev2, prev, cur = {}, {}, {}
    for j = 0, #b do prev[j] = j end
    for i = 1, #a do
      cur[0] = i
      for j = 1, #b do
        local cost = a:byte(i) == b:byte(j) and 0 or 1
        cur[j] = math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
        if i > 1 and j > 1 and a:byte(i) == b:byte(j - 1) and a:byte(i - 1) == b:byte(j) then
          cur[j] = math.min(cur[j], prev2[j - 2] + 1)
        end
      end
      prev2, prev, cur = prev, cur, prev2
    end
    local d = #a == 0 and #b or prev[#b]
    if d <= limit and (bestd == nil or d < bestd) then best, bestd = name, d end
  end
  return best
end

local function options(opts)
  if opts == nil or rawequal(opts, null) then return DEFAULTS.depth, DEFAULTS.items, false, false end
  if type(opts) ~= "table" then
    invalid("opts", "procsh.inspect expects a table of options ({ depth =, items =, raw =, color = }), got " .. describe(opts))
  end
  local unknown = {}
  for key, v in next, opts do  -- procsh.null: not given
    if key ~= "depth" and key ~= "items" and key ~= "raw" and key ~= "color" and not rawequal(v, null) then
      unknown[#unknown + 1] = key
    end
  end
  if #unknown > 0 then
    sort(unknown, keyorder)
    local key = unknown[1]
    local close = suggestion(key)
    local shown = type(key) == "string" and (#key <= 40 and utf8len(key)) and ("'" .. key .. "'") or describe(key)
    invalid(member(key), format("unknown option %s%s; the options are %s", shown,
      close and (" (did you mean '" .. close .. "'?)") or "", concat(OPTIONS, ", ")), "unknownField")
  end
  local values = {}
  for _, key in ipairs { "depth", "items" } do
    local v = rawget(opts, key)
    if v == nil or rawequal(v, null) then
      values[key] = DEFAULTS[key]
    else
      local n = type(v) == "number" and tointeger(v)
      if not n then
        invalid("opts." .. key, "procsh.inspect expects an integer, 0 or more, got " .. describe(v))
      end
      if n < 0 then
        invalid("opts." .. key, format("procsh.inspect expects an integer, 0 or more, got %d", n), "invalidValue")
      end
      values[key] = n
    end
  end
  local flags = {}
  for _, key in ipairs { "raw", "color" } do
    local v = rawget(opts, key)
    if rawequal(v, null) then v = nil end
    if v ~= nil and type(v) ~= "boolean" then
      invalid("opts." .. key, "procsh.inspect expects a boolean, got " .. describe(v))
    end
    flags[key] = v == true
  end
  return math.min(values.depth, MAXDEPTH), values.items, flags.raw, flags.color
end

--- procsh.inspect(value [, {depth = 4, items = 50, raw = false, color = false}]): readable text.
function procsh.inspect(value, opts)
  local maxdepth, maxitems, raw, color = options(opts)
  local paint = color and colour or plain
  local onpath = {}

  local function render(x, depth, indent)
    if type(x) == "string" then return paint("string", scalar(x)) end
    if type(x) ~= "table" then return scalar(x) end
    if onpath[x] then return "<cycle: " .. address(x) .. ">" end
    if not raw then
      local s = summary(x, paint)
      if s then return s end
    end
    if next(x) == nil then return "{}" end
    if depth >= maxdepth then return "{...}" end
    onpath[x] = true
    local n = 0
    while rawget(x, n + 1) ~= nil do n = n + 1 end
    local keys = {}
    for k in next, x do
      if not (math_type(k) == "integer" and k >= 1 and k <= n) then keys[#keys + 1] = k end
    end
    local total = n + #keys
    local shown = total < maxitems and total or maxitems  -- only these are rendered
    local items = {}
    for i = 1, n < shown and n or shown do items[#items + 1] = render(rawget(x, i), depth + 1, indent .. "  ") end
    if #items < shown then
      sort(keys, keyorder)
      for i = 1, shown - #items do
        local k = keys[i]
        local name = isidentifier(k) and k or ("[" .. scalar(k) .. "]")
        items[#items + 1] = name .. " = " .. render(rawget(x, k), depth + 1, indent .. "  ")
      end
    end
    onpath[x] = nil
    if total > shown then items[#items + 1] = format("... (%d more)", total - shown) end
    local oneline = "{ " .. concat(items, ", ") .. " }"
    if width(oneline) + #indent <= 78 and not find(oneline, "\n") then return oneline end
    return "{\n" .. indent .. "  " .. concat(items, ",\n" .. indent .. "  ") .. "\n" .. indent .. "}"
  end

  return (render(value, 0, ""))
end
