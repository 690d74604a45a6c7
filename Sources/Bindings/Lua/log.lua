local parts, invalid = ...
local M, emit, threshold = parts.log, parts.emit, parts.threshold
local format, tostring, select, pcall, error, type, find, gsub =
  string.format, tostring, select, pcall, error, type, string.find, string.gsub
-- string.format's and tostring's own complaints (not a script's error)
local function lua_complaint(e)
  return type(e) == "string" and (find(e, "^bad argument #%d+ to '[%w_.]*format'") ~= nil
    or find(e, "to 'format'$") ~= nil or find(e, "^'__tostring' must return a string$") ~= nil)
end
local rank = { debug = 1, info = 2, warn = 3, error = 4 }
for name, r in pairs(rank) do
  local fname = "log." .. name
  local function f(message, ...)
    if r < threshold then return end
    local ok, text
    if select("#", ...) > 0 then
      ok, text = pcall(format, message, ...)
    else
      ok, text = pcall(tostring, message)
    end
    if not ok then
      if not lua_complaint(text) then error(text, 0) end
      local wrongtype = find(text, "^bad argument") or find(text, "^'__tostring'")
      invalid("format", fname .. ": " .. gsub(text, "^bad argument (#%d+) to '[%w_.]*format'", "bad argument %1"),
        wrongtype and "wrongType" or "invalidValue")
    end
    emit(name, text)
  end
  M[name], parts[name] = f, f
end
