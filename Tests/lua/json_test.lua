-- json.encode / json.decode / json.array / procsh.null
local check = require "check"

test("encode is compact with sorted keys, pretty on request", function()
  check.eq(json.encode({ b = 1, a = { true, false }, c = "x" }), '{"a":[true,false],"b":1,"c":"x"}')
  check.eq(json.encode({ a = { 1 } }, { pretty = true }), '{\n  "a": [\n    1\n  ]\n}')
  check.eq(json.encode(1.5), "1.5")
  check.eq(json.encode(json.array{}), "[]")
  check.eq(json.encode({}), "{}")
  check.eq(json.encode(procsh.null), "null")
  check.eq(json.encode("a\"b\n"), '"a\\"b\\n"')
end)

test("decode keeps integers, arrays and null", function()
  local v = json.decode('{"n": 3, "d": 2.5, "a": [], "z": null, "s": "\\u00e9"}')
  check.eq(math.type(v.n), "integer")
  check.eq(v.d, 2.5)
  check.eq(json.encode(v.a), "[]", "an empty array stays an array")
  check.truthy(v.z == procsh.null and v.z == json.null, "null")
  check.eq(v.s, "é")
end)

test("a round trip of the run", function()
  local run = processruns.get("demo-run")
  check.eq(json.decode(json.encode(run)), run)
end)

test("errors name where", function()
  check.fails({ kind = "validation", code = "invalidValue", message = "line 2, column 7: expected 'true'" }, json.decode, '{"a": 1,\n "b": tru}')
  check.fails({ field = "value.f", message = "function" }, json.encode, { f = print })
  check.fails({ field = "value[1]", message = "NaN" }, json.encode, { 0 / 0 })
  check.fails({ field = "text", code = "wrongType" }, json.decode, 42)
  check.fails({ field = "opts.prety", message = "did you mean 'pretty'" }, json.encode, {}, { prety = true })
end)

test("json.array marks a table, and refuses one with another metatable", function()
  local t = json.array{}
  check.eq(json.encode(t), "[]")
  check.truthy(json.array(t) == t, "marking twice is harmless")
  check.fails({ field = "table", code = "invalidValue" }, json.array, setmetatable({}, {}))
end)

test("two keys that are the same text in different Unicode forms are refused, not merged", function()
  local v = { ["\u{E9}"] = 1, ["e\u{301}"] = 2 }
  check.fails({ kind = "validation", message = "same text in different Unicode forms" }, json.encode, v)
  check.fails({ kind = "validation", message = "same text in different Unicode forms" }, json.encode, v, { pretty = true })
  check.eq(json.encode({ ["\u{E9}"] = 1, b = 2 }), '{"b":2,"\u{E9}":1}')
end)

test("a failing encode with the Lua stack nearly full is still an error table", function()
  local t = {}
  local d = t
  for _ = 1, 990 do d.a = {} d = d.a end
  d.f = print
  local co = coroutine.create(function(...) return pcall(json.encode, t) end)
  local resumed, ok, err = coroutine.resume(co, table.unpack({}, 1, 999000))
  check.truthy(resumed, "the coroutine ran")
  check.eq(ok, false)
  check.truthy(procsh.iserror(err) and err.kind == "validation", "a typed error")
end)
