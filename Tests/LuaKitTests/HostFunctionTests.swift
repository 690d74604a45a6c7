import Testing
@testable import LuaKit

/// An error that raises a table with a `__tostring` metatable, as typed API errors will.
struct TableError: LuaRaisable {
    let code: String

    func pushErrorValue(onto stack: LuaStack) {
        stack.newTable()
        stack.push(code)
        stack.rawSet(-2, key: "code")
        stack.newTable()
        stack.push(function: { s in
            s.rawGet(1, key: "code")
            s.push("error: ")
            s.insert(at: -2)
            s.push(bytes: (s.bytes(at: -2) ?? []) + (s.bytes(at: -1) ?? []))
            return 1
        }, name: "__tostring")
        stack.rawSet(-2, key: "__tostring")
        stack.setMetatable(-2)
    }
}

@Suite("Swift functions in Lua: the error contract")
struct HostFunctionTests {
    @Test func callsWithArgumentsAndResults() throws {
        let lua = LuaState()
        lua.register("add") { s in
            guard let a = s.integer(at: 1) else { throw LuaArgumentError(1, "integer expected, got \(s.type(at: 1).name)") }
            guard let b = s.integer(at: 2) else { throw LuaArgumentError(2, "integer expected, got \(s.type(at: 2).name)") }
            s.push(a + b)
            s.push("sum")
            return 2
        }
        #expect(try lua.eval("local n, w = add(2, 40) return w .. '=' .. n") == "sum=42")
        #expect(
            try lua.eval("local ok, e = pcall(add, 1) return e")
                == "bad argument #2 to 'add' (integer expected, got no value)")
        #expect(
            try lua.eval("local ok, e = pcall(function() add('x', 1) end) return e")
                == "(test):1: bad argument #1 to 'add' (integer expected, got string)",
            "the message carries the caller's position, as luaL_argerror's")
    }

    @Test func failingFunctionRunsItsDefersAndDeinits() throws {
        let lua = LuaState()
        let counter = DeinitCounter()
        var defers = 0
        lua.register("fail") { _ in
            let resource = Tracked(counter)
            defer { defers += 1 }
            _ = resource
            throw TestFailure(description: "it failed")
        }
        for _ in 0..<100 {
            #expect(try lua.eval("local ok, e = pcall(function() fail() end) return tostring(ok) .. ' ' .. e") == "false (test):1: it failed")
        }
        #expect(try lua.eval("local ok, e = pcall(fail) return e") == "it failed", "called from C (pcall): no position, as luaL_error")
        #expect(defers == 101)
        #expect(counter.count == 101)
    }

    @Test func luaErrorPropagatesThroughSwiftIntact() throws {
        let lua = LuaState()
        let counter = DeinitCounter()
        var defers = 0
        lua.register("apply") { s in
            let resource = Tracked(counter)
            defer { defers += 1 }
            _ = resource
            s.pushValue(at: 1)
            try s.call(arguments: 0, results: 1)  // raises: the LuaError carries the value
            return 1
        }
        let result = try lua.eval(
            """
            local t = setmetatable({}, {__tostring = function() return "the table" end})
            local ok, e = pcall(apply, function() error(t) end)
            return tostring(ok) .. " " .. tostring(rawequal(e, t)) .. " " .. tostring(e)
            """)
        #expect(result == "false true the table")
        #expect(defers == 1)
        #expect(counter.count == 1)
    }

    @Test func raisableErrorsArriveAsTablesWithMetatables() throws {
        let lua = LuaState()
        lua.register("typed") { _ in throw TableError(code: "E42") }
        #expect(try lua.eval("local ok, e = pcall(typed) return type(e) .. ' ' .. e.code .. ' ' .. tostring(e)") == "table E42 error: E42")
    }

    @Test func uncaughtErrorReachesSwift() throws {
        let lua = LuaState()
        lua.register("typed") { _ in throw TableError(code: "E7") }
        let error = try #require(throws: LuaError.self) { try lua.run("typed()") }
        #expect(error.message == "error: E7", "the message is the value's __tostring")
        #expect(error.status == .runtime)
        error.value?.push(onto: lua.stack)
        #expect(lua.stack.type(at: -1) == .table)
    }

    @Test func errorsInsideCoroutinesStayInside() throws {
        let lua = LuaState()
        lua.register("fail") { _ in throw TestFailure(description: "no") }
        #expect(try lua.eval("local co = coroutine.create(function() fail() end) local ok, e = coroutine.resume(co) return e") == "(test):1: no")
        #expect(try lua.eval("return select(2, coroutine.resume(coroutine.create(function() return coroutine.yield(1) end)))") == "1")
    }

    @Test func cannotYieldAcrossSwift() throws {
        let lua = LuaState()
        lua.register("callit") { s in
            s.pushValue(at: 1)
            try s.call(arguments: 0, results: 0)
            return 0
        }
        let message = try lua.eval(
            "local co = coroutine.wrap(function() callit(function() coroutine.yield() end) end) local ok, e = pcall(co) return e")
        #expect(message.contains("attempt to yield across a C-call boundary"))
    }

    @Test func hostFunctionsAreReleasedWhenCollected() throws {
        let lua = LuaState()
        let counter = DeinitCounter()
        do {
            let tracked = Tracked(counter)
            lua.stack.push(function: { _ in _ = tracked; return 0 }, name: "f")
            lua.stack.setGlobal("f")
        }
        try lua.run("f()")
        #expect(counter.count == 0, "Lua's reference keeps the closure alive")
        try lua.run("f = nil")
        lua.collectGarbage()
        #expect(counter.count == 1)
    }
}

@Suite("Metamethods called from Swift")
struct MetamethodTests {
    let lua = LuaState()

    init() throws {
        try lua.run(
            """
            bad = setmetatable({}, {
              __index = function(t, k) error("no field " .. k) end,
              __newindex = function(t, k, v) error({code = "readonly"}) end,
              __len = function() error("no length") end,
              __tostring = function() error("no text") end,
            })
            """)
    }

    @Test func indexErrorIsThrown() throws {
        lua.stack.getGlobal("bad")
        let top = lua.stack.top
        let error = try #require(throws: LuaError.self) { try lua.stack.getField(-1, "x") }
        #expect(error.message.hasSuffix("no field x"))
        #expect(lua.stack.top == top, "the stack is as it was")
    }

    @Test func newindexErrorKeepsItsTable() throws {
        lua.stack.getGlobal("bad")
        lua.stack.push(1)
        let error = try #require(throws: LuaError.self) { try lua.stack.setField(-2, "x") }
        #expect(error.message == "(error object is a table value)")
        try #require(error.value, "the table raised is kept").push(onto: lua.stack)
        #expect(try lua.stack.getField(-1, "code") == .string)
    }

    @Test func lengthAndToStringErrorsAreThrown() throws {
        lua.stack.getGlobal("bad")
        #expect(throws: LuaError.self) { try lua.stack.length(at: -1) }
        #expect(throws: LuaError.self) { try lua.stack.describe(at: -1) }
        #expect(lua.stack.errorMessage(at: -1) == "(error object is a table value)")
    }

    @Test func metamethodsWork() throws {
        try lua.run("good = setmetatable({}, {__index = function(t, k) return k .. '!' end, __len = function() return 3 end})")
        lua.stack.getGlobal("good")
        #expect(try lua.stack.getField(-1, "hi") == .string)
        #expect(lua.stack.string(at: -1) == "hi!")
        lua.stack.pop()
        #expect(try lua.stack.length(at: -1) == 3)
    }
}

@Suite("Swift objects in Lua")
struct HostObjectTests {
    final class Account {
        var balance = 0
    }

    @Test func userdataHoldsAndReleasesObject() throws {
        let lua = LuaState()
        let counter = DeinitCounter()
        if lua.stack.pushHostMetatable(named: "Test.Tracked") {
            lua.stack.newTable()
            lua.stack.push(function: { s in
                let t = s.object(at: 1, metatable: "Test.Tracked", as: Tracked.self)
                s.push(t?.label ?? "?")
                return 1
            }, name: "label")
            lua.stack.rawSet(-2, key: "label")
            lua.stack.rawSet(-2, key: "__index")
        }
        lua.stack.pop()
        lua.stack.push(object: Tracked(counter, label: "tracked!"), metatable: "Test.Tracked")
        lua.stack.setGlobal("obj")
        #expect(try lua.eval("return obj:label()") == "tracked!")
        #expect(try lua.eval("return tostring(obj):match('^Test.Tracked: ') ~= nil") == "true")
        #expect(counter.count == 0)
        try lua.run("obj = nil")
        lua.collectGarbage()
        #expect(counter.count == 1)
    }

    @Test func wrongMetatableIsNotTheObject() {
        let lua = LuaState()
        lua.stack.push(object: Account(), metatable: "Test.Account")
        #expect(lua.stack.object(at: -1, metatable: "Test.Account", as: Account.self) != nil)
        #expect(lua.stack.object(at: -1, metatable: "Test.Other", as: Account.self) == nil)
        #expect(lua.stack.object(at: -1, metatable: "Test.Account", as: Tracked.self) == nil)
        lua.stack.newTable()
        #expect(lua.stack.object(at: -1, metatable: "Test.Account", as: Account.self) == nil)
    }
}

@Suite("Memory limit")
struct MemoryLimitTests {
    @Test func luaMeetsTheLimitAndRecovers() throws {
        let lua = LuaState()
        lua.memoryLimit = lua.memoryInUse + 4 << 20
        let result = try lua.eval("local ok, e = pcall(string.rep, 'x', 64 << 20) return tostring(ok) .. ' ' .. tostring(e)")
        #expect(result == "false not enough memory")
        #expect(try lua.eval("return #string.rep('x', 1000)") == "1000", "the state stays usable")
        #expect(lua.peakMemory <= (try #require(lua.memoryLimit)))
    }

    @Test func swiftAllocationsDoNotRaise() throws {
        let lua = LuaState()
        lua.memoryLimit = lua.memoryInUse + 1 << 20
        lua.register("big") { s in
            s.push(String(repeating: "y", count: 2 << 20))  // over the limit, inside Swift: allowed
            return 1
        }
        #expect(try lua.eval("local s = big() return #s") == String(2 << 20))
        #expect(try lua.eval("local ok, e = pcall(function() return big() .. big() end) return e") == "not enough memory")
    }
}

@Suite("Loading and tracebacks")
struct CallTests {
    @Test func syntaxErrorsHaveTheirStatus() {
        let lua = LuaState()
        let error = #expect(throws: LuaError.self) { try lua.run("x = = 1", name: "=chunk") }
        #expect(error?.status == .syntax)
        #expect(error?.message == "chunk:1: unexpected symbol near '='")
    }

    @Test func tracebackIsAppended() throws {
        let lua = LuaState()
        try lua.stack.load("local function inner() error('deep') end inner()", name: "=script")
        let status = lua.stack.callWithTraceback()
        #expect(status != 0)
        let message = lua.stack.string(at: -1) ?? ""
        #expect(message.hasPrefix("script:1: deep\nstack traceback:\n"))
        #expect(message.contains("in local 'inner'") || message.contains("in upvalue 'inner'") || message.contains("in function 'inner'"))
    }

    @Test func tracebackUsesToStringOfErrorObjects() throws {
        let lua = LuaState()
        try lua.stack.load("error(setmetatable({}, {__tostring = function() return 'custom' end}))", name: "=s")
        #expect(lua.stack.callWithTraceback() != 0)
        #expect(lua.stack.string(at: -1) == "custom")
        lua.stack.pop()
        try lua.stack.load("error({})", name: "=s")
        #expect(lua.stack.callWithTraceback() != 0)
        #expect(lua.stack.string(at: -1)?.hasPrefix("(error object is a table value)\nstack traceback:") == true)
    }
}
