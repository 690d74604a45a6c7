@testable import JSON
import Testing
@testable import LuaKit

@Suite("Lua ↔ JSON conversion")
struct JSONConversionTests {
    let lua = LuaState()

    /// Converts the value of a Lua expression.
    func json(_ expression: String, path: String = "jobs") throws -> JSONValue {
        let base = lua.stack.top
        try lua.stack.load("return \(expression)", name: "=(expr)")
        try lua.stack.call(results: 1)
        defer { lua.stack.top = base }
        return try lua.stack.json(at: -1, path: path)
    }

    /// The conversion error for a Lua expression.
    func failure(_ expression: String) throws -> JSONConversionError {
        do {
            let value = try json(expression)
            throw TestFailure(description: "converted to \(value)")
        } catch let error as JSONConversionError {
            return error
        }
    }

    @Test func scalars() throws {
        #expect(try json("nil") == .null)
        #expect(try json("true") == .bool(true))
        #expect(try json("3") == .integer(3))
        #expect(try json("3.0") == .double(3.0), "a float stays a float")
        #expect(try json("-0.5") == .double(-0.5))
        #expect(try json("math.maxinteger") == .integer(Int64.max))
        #expect(try json("'héllo'") == .string("héllo"))
    }

    @Test func nullSentinel() throws {
        lua.stack.pushNull()
        lua.stack.setGlobal("null")
        #expect(try json("null") == .null)
        #expect(try json("{a = null}") == .object(["a": .null]))
        #expect(try lua.eval("return tostring(null)") == "null")
        try lua.stack.push(json: .array([.null]))
        #expect(lua.stack.rawGet(-1, index: 1) == .userdata)
        #expect(lua.stack.isNull(at: -1))
    }

    @Test func arraysAndObjects() throws {
        #expect(try json("{1, 'two', {x = 3}}") == .array([1, "two", ["x": 3]]))
        #expect(try json("{name = 'n', tags = {'a'}}") == .object(["name": "n", "tags": ["a"]]))
        #expect(try json("{}") == .object([:]), "an empty table defaults to an object")
        lua.stack.newTable()
        lua.stack.pushArrayMarker()
        lua.stack.setMetatable(-2)
        lua.stack.setGlobal("empty")
        #expect(try json("empty") == .array([]), "the array marker makes an empty table an array")
        #expect(try json("{['1'] = 'string key'}") == .object(["1": "string key"]))
    }

    @Test func metamethodsAreNotCalled() throws {
        #expect(try json("setmetatable({a = 1}, {__index = function() error('no') end, __pairs = function() error('no') end})") == .object(["a": 1]))
    }

    @Test(arguments: [
        ("{[true] = 1}", "jobs[true]", "key of type boolean"),
        ("{a = {[1.5] = 1}}", "jobs.a[1.5]", "key of type number"),
        ("{1, 2, x = 3}", "jobs.x", "mixes array items"),
        ("{1, nil, 3}", "jobs[2]", "hole"),
        ("{[2] = 'b'}", "jobs[1]", "hole"),
        ("{[0] = 'zero'}", "jobs[0]", "key of type number"),
        ("{{}, {arguments = {0/0}}}", "jobs[2].arguments[1]", "NaN"),
        ("{x = math.huge}", "jobs.x", "infinite"),
        ("{f = print}", "jobs.f", "function"),
        ("{co = coroutine.create(print)}", "jobs.co", "thread"),
        ("{s = '\\xff'}", "jobs.s", "UTF-8"),
        ("{['\\xff'] = 1}", "jobs", "key is not valid UTF-8"),
        ("{['odd key'] = {print}}", "jobs[\"odd key\"][1]", "function"),
        ("{{}, {arguments = {sendTaskArgs = {assignee = io.stdout}}}}", "jobs[2].arguments.sendTaskArgs.assignee", "userdata"),
    ])
    func errorsNameThePath(expression: String, path: String, reason: String) throws {
        let error = try failure(expression)
        #expect(error.path == path)
        #expect(error.reason.contains(reason), "\(error)")
    }

    @Test func cyclesAreErrors() throws {
        try lua.run("cyclic = {a = {}} cyclic.a.back = cyclic")
        let error = try failure("cyclic")
        #expect(error.path == "jobs.a.back")
        #expect(error.reason.contains("cycle"))
        #expect(try json("(function() local shared = {1} return {shared, shared} end)()") == .array([[1], [1]]), "a shared table is not a cycle")
    }

    @Test func tenThousandElementsRoundTrip() throws {
        try lua.run(
            """
            big = {}
            for i = 1, 10000 do
              big[i] = {id = "job-" .. i, ordinal = i - 1, ratio = i / 4, done = i % 2 == 0}
            end
            """)
        let value = try json("big")
        #expect(value.arrayValue?.count == 10000)
        #expect(value[9999]?["id"] == "job-10000")
        #expect(value[3]?["ratio"] == .double(1.0))
        #expect(value[3]?["ordinal"] == .integer(3))
        try lua.stack.push(json: value)
        #expect(try lua.stack.json(at: -1) == value)
        lua.stack.setGlobal("back")
        #expect(try lua.eval("return #back .. ' ' .. back[10000].id .. ' ' .. math.type(back[4].ordinal) .. ' ' .. math.type(back[4].ratio)") == "10000 job-10000 integer float")
    }

    @Test func twoHundredDeepRoundTrip() throws {
        try lua.run("deep = {} local t = deep for i = 1, 199 do t.next = {level = i} t = t.next end")
        let value = try json("deep")
        var depth = 0
        var node: JSONValue? = value
        while let next = node?["next"] {
            depth += 1
            node = next
        }
        #expect(depth == 199)
        try lua.stack.push(json: value)
        #expect(try lua.stack.json(at: -1) == value)
    }

    @Test func tooDeepIsAnError() throws {
        try lua.run("abyss = {} local t = abyss for i = 1, 1100 do t[1] = {} t = t[1] end")
        let error = try failure("abyss")
        #expect(error.reason.contains("nested more than 1000"))
        #expect(error.path == "jobs[1][1]...[1][1]", "a thousand steps are shortened")
        var value: JSONValue = .array([])
        for _ in 0..<1100 { value = .array([value]) }
        let back = try #require(throws: JSONConversionError.self) { try lua.stack.push(json: value) }
        #expect(back.path == "value[1][1]...[1][1]")
    }

    @Test func decodedArraysStayArraysWhenEmptied() throws {
        try lua.stack.push(json: ["items": .array([1, 2])])
        lua.stack.setGlobal("decoded")
        try lua.run("decoded.items[1] = nil decoded.items[2] = nil")
        #expect(try json("decoded") == .object(["items": .array([])]))
    }
}

@Suite("JSONValue")
struct JSONValueTests {
    @Test func accessors() {
        let v: JSONValue = ["a": [1, 2.5, "x", nil, true]]
        #expect(v["a"]?[0]?.integerValue == 1)
        #expect(v["a"]?[1]?.integerValue == nil)
        #expect(v["a"]?[2]?.stringValue == "x")
        #expect(v["a"]?[3] == .null)
        #expect(v["a"]?[9] == nil)
        #expect(v["b"] == nil)
        #expect(v.typeName == "object")
        #expect(JSONValue.double(4.0).integerValue == 4)
    }
}

/// Paths in messages (JSON's ``JSONPath``, which every module's messages use).
@Suite("JSONPath")
struct JSONPathTests {
    static func steps(_ n: Int, root: String = "run") -> String {
        root + String(repeating: ".children[1]", count: n / 2)
    }

    @Test func aShortPathIsShownWhole() {
        #expect(JSONPath.shortened("jobs[2].arguments.sendTaskArgs.assignee") == "jobs[2].arguments.sendTaskArgs.assignee")
        #expect(JSONPath.shortened(Self.steps(24)) == Self.steps(24))
        #expect(JSONPath.shortened("") == "")
    }

    @Test func aLongPathKeepsItsStartAndEnd() {
        #expect(JSONPath.shortened(Self.steps(26)) == "run.children[1]...children[1]")
        #expect(JSONPath.shortened(Self.steps(2002)) == "run.children[1]...children[1]")
        #expect(JSONPath.shortened(Self.steps(2002) + ".name") == "run.children[1]...children[1].name")
        #expect(JSONPath.shortened(Self.steps(60, root: "body").replacing("[1]", with: "[0]") + "[0]")
            == "body.children[0]...children[0][0]")
        let shown = JSONPath.shortened(Self.steps(2002))
        #expect(JSONPath.shortened(shown) == shown, "shortening twice changes nothing")
    }

    @Test func aQuotedKeyIsOneStep() {
        let odd = JSONPath.member("opts", "a.b[c]\"d")
        #expect(odd == #"opts["a.b[c]\"d"]"#)
        #expect(JSONPath.stepStarts(of: odd).count == 1)
        let long = String(repeating: JSONPath.member("", "x.y"), count: 30)
        #expect(JSONPath.shortened("t" + long) == #"t["x.y"]["x.y"]...["x.y"]["x.y"]"#)
    }

    @Test func aCodingPathReadsAsTheDecoderCountsIt() {
        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int?
            init(stringValue: String) { self.stringValue = stringValue }
            init(intValue: Int) { (self.stringValue, self.intValue) = ("\(intValue)", intValue) }
        }
        #expect(JSONPath.appending([Key(intValue: 0), Key(stringValue: "arguments"), Key(stringValue: "odd key")], to: "body")
            == #"body[0].arguments["odd key"]"#)
    }
}
