/// The parts of `processruns` that walk a run's tree. They only read plain
/// tables, so they are written in Lua, where a script's author can read them.
enum TreeWalkers {
    static let source = #"""
local M, invalid = ...
local type, ipairs, tostring = type, ipairs, tostring
local concat, rep, format = table.concat, string.rep, string.format

-- A group (run) has children or `parallel`; a job (run) has an action.
local function isgroup(node)
  return node.children ~= nil or node.parallel ~= nil
end

-- A run (or group) is a table with children, as processruns.get returns it.
local function checkrun(run, fname)
  if type(run) ~= "table" then
    invalid("run", format("%s expects a process run table (what processruns.get returns), got %s", fname, type(run)))
  end
end

-- Every node under `node`, depth first, in order: node, depth, parent.
local function walk(node, depth, parent, yield)
  for _, child in ipairs(node.children or {}) do
    yield(child, depth, parent)
    if isgroup(child) then walk(child, depth + 1, child, yield) end
  end
end

local function iterate(run, keep)
  return coroutine.wrap(function()
    walk(run, 0, nil, function(node, depth, parent)
      if keep(node) then coroutine.yield(node, depth, parent) end
    end)
  end)
end

--- processruns.each(run): every job run and group run, with its depth and parent group.
function M.each(run)
  checkrun(run, "processruns.each")
  return iterate(run, function() return true end)
end

--- processruns.jobs(run): every job run, depth first.
function M.jobs(run)
  checkrun(run, "processruns.jobs")
  return iterate(run, function(node) return not isgroup(node) end)
end

--- processruns.groups(run): every group run, depth first.
function M.groups(run)
  checkrun(run, "processruns.groups")
  return iterate(run, isgroup)
end

--- processruns.find(run, pred): the first node for which pred(node) is true;
--- pred may be an id, or a table of fields that must all be equal ({name = "Review"}).
function M.find(run, pred)
  checkrun(run, "processruns.find")
  local test = pred
  if type(pred) == "string" then
    test = function(node) return node.id == pred end
  elseif type(pred) == "table" then
    test = function(node)
      for k, v in pairs(pred) do if node[k] ~= v then return false end end
      return true
    end
  elseif type(pred) ~= "function" then
    invalid("pred", "processruns.find expects an id, a table of fields or a function, got " .. type(pred))
  end
  for node, depth, parent in iterate(run, test) do
    return node, parent
  end
  return nil
end

--- processruns.isgroup(node): whether a node of the tree is a group run.
M.isgroup = isgroup

--- processruns.label(node): what a person calls a node: a group's name, a
--- job's title; nil when it has neither.
local function label(node)
  if node.name then return node.name end
  local args = node.arguments
  if type(args) == "table" then
    for key, value in pairs(args) do
      if key ~= "type" and type(value) == "table" and value.title then return value.title end
    end
  end
  return nil
end

M.label = label

--- processruns.tree(run): the tree as indented text, one node per line:
--- ordinal, kind, id, title or name, [status], and a group's flags.
function M.tree(run)
  checkrun(run, "processruns.tree")
  local rows, width = {}, 0
  walk(run, 0, nil, function(node, depth)
    local group = isgroup(node)
    local row = {
      lead = rep("  ", depth) .. tostring(node.ordinal or "?") .. " " .. (group and "group" or "job  "),
      id = tostring(node.id),
      label = format("%q", label(node) or ""),
      status = "[" .. tostring(node.status or "?") .. "]",
      flags = group and ((node.parallel and " parallel" or " sequential") .. (node.readOnly and ", read-only" or "")) or "",
    }
    rows[#rows + 1] = row
    width = math.max(width, #row.lead + 1 + #row.id)
  end)
  local lines = { format("%s %q [%s]", tostring(run.id), run.name or "", tostring(run.status or "?")) }
  for _, row in ipairs(rows) do
    local left = row.lead .. " " .. row.id
    lines[#lines + 1] = "  " .. left .. rep(" ", width - #left + 2) .. row.label .. " " .. row.status .. row.flags
  end
  return concat(lines, "\n")
end
"""#
}
