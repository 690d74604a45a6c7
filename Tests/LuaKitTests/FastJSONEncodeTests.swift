import JSON
import LuaKit
import TestSupport
import Testing

/// CLuaShim's fast JSON writer (json.encode's fast path) writes exactly what
/// JSONValue's writer writes, and gives up (nil) wherever the Swift bridge
/// reports an error.
@Suite struct FastJSONEncodeTests {
    /// The fast path's text for `value` pushed as Lua, or nil.
    static func fast(_ state: LuaState, _ value: JSONValue) throws -> String? {
        try state.stack.push(json: value)
        return try fast(state)
    }

    /// The fast path's text for the value on top of the stack (popped), or nil.
    static func fast(_ state: LuaState) throws -> String? {
        let s = state.stack
        s.pushJSONEncoder()
        s.insert(at: -2)
        try s.call(arguments: 1, results: 1)
        defer { s.pop() }
        return s.string(at: -1)
    }

    @Test(arguments: [
        0.0, -0.0, 1.0, 2.5, 0.1, 100.0, 1e15, 1e16, 1.5e16, 9007199254740992.0, 0.0001, 0.00001, 123456789.0, 1e-7,
        5e-324, 1.7976931348623157e308, 12345678901234567890.0, -3.25, 1.0 / 3.0,
    ])
    func doublesAsSwiftWritesThem(value: Double) throws {
        let state = LuaState()
        #expect(try Self.fast(state, .double(value)) == JSONValue.double(value).encoded())
    }

    @Test func agreesWithTheSwiftWriterOnRandomValues() throws {
        let state = LuaState()
        var random = RandomJSON(seed: 7)
        for _ in 0..<2000 {
            let value = random.value(depth: 0)
            let expected = value.encoded()
            let fast = try Self.fast(state, value)
            // Objects with several non-ASCII keys are left to the Swift path (Unicode forms).
            #expect(fast == expected || (fast == nil && Self.hasUnicodeKeys(value)), "\(expected)")
        }
    }

    /// Objects past the number of values kept on the Lua stack (64) look the rest up by key.
    @Test(arguments: [1, 63, 64, 65, 300])
    func wideObjectsAsSwiftWritesThem(width: Int) throws {
        let state = LuaState()
        var random = RandomJSON(seed: UInt64(width))
        var members: [String: JSONValue] = [:]
        // Scalars (a RandomJSON value 4 deep is one) and small objects of them, keys ASCII.
        for i in 0..<width { members["k\(i)"] = i % 3 == 0 ? .object(["inner\(i)": random.value(depth: 4), "b": [random.value(depth: 4)]]) : random.value(depth: 4) }
        let value = JSONValue.array([.object(members), .object(members)])
        #expect(try Self.fast(state, value) == value.encoded())
    }

    static func hasUnicodeKeys(_ value: JSONValue) -> Bool {
        switch value {
        case .array(let items): return items.contains(where: hasUnicodeKeys)
        case .object(let members):
            return (members.count > 1 && members.keys.contains { !$0.allSatisfy(\.isASCII) })
                || members.values.contains(where: hasUnicodeKeys)
        default: return false
        }
    }

    @Test(arguments: [
        "return {1, nil, 3}", "return {1, a = 2}", "return {[1.5] = 1}", "return {f = print}", "return 0/0",
        "return 1/0", "local t = {} t.t = t return t", "return setmetatable({a = 1}, getmetatable(json_array))",
        "return '\\xff'", "return {['\\xff'] = 1}", "return {['\\u{E9}'] = 1, ['e\\u{301}'] = 2}",
    ])
    func givesUpWhereTheBridgeReportsAnError(code: String) throws {
        let state = LuaState()
        state.stack.newTable()
        state.stack.pushArrayMarker()
        state.stack.setMetatable(-2)
        state.stack.setGlobal("json_array")
        try state.stack.load(code, name: "=test")
        try state.stack.call(arguments: 0, results: 1)
        #expect(throws: JSONConversionError.self) { _ = try state.stack.json(at: -1) }
        #expect(try Self.fast(state) == nil)
    }

    @Test func deepNestingGivesUpWithoutCrashing() throws {
        let state = LuaState()
        try state.stack.load("local t = {} for i = 1, 5000 do t = {t} end return t", name: "=deep")
        try state.stack.call(arguments: 0, results: 1)
        #expect(try Self.fast(state) == nil)
    }
}
