local M, invalid, shortpath = ...
local type, rawget, next, tostring = type, rawget, next, tostring
local concat, rep, format = table.concat, string.rep, string.format
local utf8len = utf8.len

-- Every mistake is a validation error table from invalid(field, message)
-- (Swift): field is the path to the bad value (run.children[2].children[1]),
-- message names the function. The walkers read the tables' own fields
-- (rawget, next): a metatable is never consulted.

-- How deep groups may nest: more than any API answer (JSON nests at most
-- 1000 levels, and each level of groups takes two).
local MAXDEPTH = 1000

-- A value as an error message shows it: number 5, string 'x', a table.
local function describe(v)
  local t = type(v)
  if t == "nil" then return "nil" end
  if t == "string" then return (#v <= 40 and utf8len(v)) and ("string '" .. v .. "'") or "a string" end
  if t == "number" or t == "boolean" then return t .. " " .. tostring(v) end
  if t == "userdata" and tostring(v) == "null" then return "procsh.null" end
  return "a " .. t
end

-- A field shown as text: strings and numbers; nil for anything else.
local function text(v)
  local t = type(v)
  if t == "string" then return v end
  if t == "number" then return tostring(v) end
  return nil
end

-- A group (run) has children or `parallel`; a job (run) has an action.
local function group(node)
  return rawget(node, "children") ~= nil or rawget(node, "parallel") ~= nil
end

-- A run (or group) is a table with children, as processruns.get returns it.
local function checkrun(run, fname)
  if type(run) ~= "table" then
    invalid("run", format("%s expects a process run table (what processruns.get returns), got %s", fname, describe(run)))
  end
end

-- A node given alone (isgroup, label): a run, a group run or a job run.
local function checknode(node, fname)
  if type(node) ~= "table" then
    invalid("node", format("%s expects a process run, group run or job run (a table), got %s", fname, describe(node)))
  end
end

-- The path of the node at frames[1..level]'s positions, run.children[3].children[2],
-- as messages show it (a long one shortened: run.children[1]...children[1]).
local function pathof(frames, level)
  local parts = { "run" }
  for i = 1, level do parts[#parts + 1] = ".children[" .. frames[i].i .. "]" end
  return shortpath(concat(parts))
end

local EMPTY = {}

-- Every node under `run`, depth first, in order: a function that returns the
-- next node, its depth and its parent group (nil at the top level), and nil
-- at the end. A group's children are read when the walk enters it, after the
-- group itself was returned. Raises a validation error for a child or a
-- `children` that is not a table, a group inside itself, or groups nested
-- more than MAXDEPTH levels.
local function nodes(run, fname)
  -- frames[k]: the group being walked at level k (nil for the run), its
  -- children, and the position i of the child returned last.
  local frames = {}
  local onpath = {}  -- the run and the groups entered, each with its level
  local pending      -- the node returned last, entered (if a group) on the next call

  local function enter(node, level)
    local children = rawget(node, "children")
    if children == nil then
      children = EMPTY
    elseif type(children) ~= "table" then
      invalid(pathof(frames, level) .. ".children",
        format("%s expects children to be an array of job runs and group runs (a table), got %s", fname, describe(children)))
    end
    if onpath[node] then
      invalid(pathof(frames, level), format("%s expects a tree, but this group run is the same table as %s, which contains it (a cycle)",
        fname, pathof(frames, onpath[node])))
    end
    onpath[node] = level
    frames[level + 1] = { node = node, children = children, i = 0 }
  end

  enter(run, 0)
  frames[1].node = nil  -- the run is no one's parent: its children are at the top level
  return function()
    if pending then
      local node = pending
      pending = nil
      if group(node) then enter(node, #frames) end
    end
    while #frames > 0 do
      local level = #frames
      local frame = frames[level]
      local i = frame.i + 1
      local child = rawget(frame.children, i)
      if child == nil then
        frames[level] = nil
        if level > 1 then onpath[frame.node] = nil end
      else
        frame.i = i
        if level > MAXDEPTH then
          invalid(pathof(frames, level), format("%s: groups nested more than %d levels deep", fname, MAXDEPTH))
        end
        if type(child) ~= "table" then
          invalid(pathof(frames, level), format("%s expects a job run or group run (a table), got %s", fname, describe(child)))
        end
        pending = child
        return child, level - 1, frame.node
      end
    end
    return nil
  end
end

-- Checks the whole tree under `run` (raising what walking it would).
local function checktree(run, fname)
  checkrun(run, fname)
  local step = nodes(run, fname)
  while step() do end
end

-- The nodes under `run` that keep(node) accepts, as a for-loop iterator.
local function iterate(run, fname, keep)
  checktree(run, fname)
  local step = nodes(run, fname)
  return function()
    while true do
      local node, depth, parent = step()
      if node == nil or keep(node) then return node, depth, parent end
    end
  end
end

--- processruns.each(run): every job run and group run, with its depth and parent group.
function M.each(run)
  return iterate(run, "processruns.each", function() return true end)
end

--- processruns.jobs(run): every job run, depth first.
function M.jobs(run)
  return iterate(run, "processruns.jobs", function(node) return not group(node) end)
end

--- processruns.groups(run): every group run, depth first.
function M.groups(run)
  return iterate(run, "processruns.groups", group)
end

--- processruns.find(run, pred): the first node for which pred(node) is true;
--- pred may be an id, or a table of fields that must all be equal ({name = "Review"}).
function M.find(run, pred)
  checkrun(run, "processruns.find")
  local test = pred
  if type(pred) == "string" then
    test = function(node) return rawget(node, "id") == pred end
  elseif type(pred) == "table" then
    test = function(node)
      for k, v in next, pred do if rawget(node, k) ~= v then return false end end
      return true
    end
  elseif type(pred) ~= "function" then
    invalid("pred", "processruns.find expects an id, a table of fields or a function, got " .. describe(pred))
  end
  checktree(run, "processruns.find")
  local step = nodes(run, "processruns.find")
  while true do
    local node, _, parent = step()
    if node == nil then return nil end
    if test(node) then return node, parent end
  end
end

--- processruns.isgroup(node): whether a node of the tree is a group run.
function M.isgroup(node)
  checknode(node, "processruns.isgroup")
  return group(node)
end

--- processruns.label(node): what a person calls a node: a group's name, a
--- job's title; nil when it has neither. A name or title that is not a
--- string (procsh.null, say) counts as absent.
local function label(node)
  local name = rawget(node, "name")
  if type(name) == "string" then return name end
  local args = rawget(node, "arguments")
  if type(args) == "table" then
    for key, value in next, args do
      if key ~= "type" and type(value) == "table" then
        local title = rawget(value, "title")
        if type(title) == "string" then return title end
      end
    end
  end
  return nil
end

function M.label(node)
  checknode(node, "processruns.label")
  return label(node)
end

--- processruns.tree(run): the tree as indented text, one node per line:
--- ordinal, kind, id, title or name, [status], and a group's flags.
function M.tree(run)
  checkrun(run, "processruns.tree")
  local rows, width = {}, 0
  local step = nodes(run, "processruns.tree")
  while true do
    local node, depth = step()
    if node == nil then break end
    local isgroup = group(node)
    local row = {
      lead = rep("  ", depth) .. (text(rawget(node, "ordinal")) or "?") .. " " .. (isgroup and "group" or "job  "),
      id = text(rawget(node, "id")) or "?",
      label = format("%q", label(node) or ""),
      status = "[" .. (text(rawget(node, "status")) or "?") .. "]",
      flags = isgroup and ((rawget(node, "parallel") and " parallel" or " sequential") .. (rawget(node, "readOnly") and ", read-only" or "")) or "",
    }
    rows[#rows + 1] = row
    width = math.max(width, #row.lead + 1 + #row.id)
  end
  local name = rawget(run, "name")
  local lines = { format("%s %q [%s]", text(rawget(run, "id")) or "?", type(name) == "string" and name or "",
    text(rawget(run, "status")) or "?") }
  for _, row in ipairs(rows) do
    local left = row.lead .. " " .. row.id
    lines[#lines + 1] = "  " .. left .. rep(" ", width - #left + 2) .. row.label .. " " .. row.status .. row.flags
  end
  return concat(lines, "\n")
end
