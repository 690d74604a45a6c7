import Testing
@testable import LuaKit

@Suite("Pushing and reading values")
struct ValueTests {
    @Test func scalarsRoundTrip() {
        let lua = LuaState()
        let s = lua.stack
        s.pushNil()
        s.push(true)
        s.push(Int64.min)
        s.push(Int64.max)
        s.push(2.5)
        s.push("héllo")
        #expect(s.top == 6)
        #expect(s.type(at: 1) == .nil)
        #expect(s.bool(at: 2) == true)
        #expect(s.integer(at: 3) == Int64.min)
        #expect(s.integer(at: 4) == Int64.max)
        #expect(s.isInteger(at: 4))
        #expect(s.number(at: 5) == 2.5)
        #expect(!s.isInteger(at: 5))
        #expect(s.integer(at: 5) == nil)
        #expect(s.string(at: 6) == "héllo")
        #expect(s.string(at: 3) == nil, "a number is not read as a string")
        #expect(s.integer(at: 6) == nil, "a string is not read as a number")
    }

    @Test func stringsAreBytes() throws {
        let lua = LuaState()
        let bytes: [UInt8] = [0x61, 0x00, 0xFF, 0xFE, 0x62]
        lua.stack.push(bytes: bytes)
        #expect(lua.stack.bytes(at: -1) == bytes)
        #expect(lua.stack.string(at: -1) == nil, "invalid UTF-8 is not a Swift string")
        #expect(lua.stack.lossyString(at: -1) == "a\u{0}\u{FFFD}\u{FFFD}b")
        lua.stack.setGlobal("s")
        #expect(try lua.eval("return #s") == "5")
        #expect(try lua.eval("return s:byte(3)") == "255")
    }

    @Test func tablesRawAndProtected() throws {
        let lua = LuaState()
        let s = lua.stack
        s.newTable()
        s.push(42)
        s.rawSet(-2, key: "answer")
        s.push("one")
        s.rawSet(-2, index: 1)
        #expect(s.rawGet(-1, key: "answer") == .number)
        #expect(s.integer(at: -1) == 42)
        s.pop()
        #expect(s.rawLength(at: -1) == 1)
        #expect(try s.getField(-1, "answer") == .number)
        s.pop()
        s.push(7)
        try s.setField(-2, "seven")
        #expect(s.rawGet(-1, key: "seven") == .number)
        s.pop()
        var keys: [String] = []
        s.pushNil()
        while s.next(-2) {
            if s.type(at: -2) == .string {
                keys.append(try #require(s.string(at: -2)))
            } else {
                keys.append("#\(try #require(s.integer(at: -2)))")
            }
            s.pop()
        }
        #expect(keys.sorted() == ["#1", "answer", "seven"])
        #expect(s.top == 1)
    }

    @Test func globalsAreRaw() throws {
        let lua = LuaState()
        lua.stack.push("v")
        lua.stack.setGlobal("g")
        #expect(try lua.eval("return g") == "v")
        #expect(lua.stack.getGlobal("g") == .string)
        #expect(lua.stack.getGlobal("nope") == .nil)
    }

    @Test func stateClosesOnDeinit() {
        let counter = DeinitCounter()
        do {
            let lua = LuaState()
            lua.stack.push(object: Tracked(counter), metatable: "Test.Tracked")
            lua.stack.setGlobal("kept")
            #expect(counter.count == 0)
        }
        #expect(counter.count == 1, "closing the state collects what it held")
    }
}
