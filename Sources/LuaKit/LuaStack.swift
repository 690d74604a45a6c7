import CLua
import CLuaShim

/// A view of one Lua thread's stack: the Swift face of the Lua C API.
///
/// It owns nothing (the ``LuaState`` does) and costs nothing to copy. Host
/// functions receive one for the thread that called them.
///
/// Every operation here is safe to call from Swift: none of them can raise a
/// Lua error (a longjmp) through Swift frames. Operations that may run
/// metamethods are protected and `throw` instead; allocation cannot fail while
/// Swift code runs (see ``LuaState/memoryLimit``).
public struct LuaStack {
    /// The `lua_State *` of this thread. Only LuaKit touches it: every call
    /// that could raise a Lua error goes through LuaKit's protection.
    let L: OpaquePointer

    init(_ L: OpaquePointer) {
        self.L = L
    }

    /// The ``LuaState`` this thread belongs to.
    public var state: LuaState {
        LuaState.owner(of: L)
    }

    // MARK: Stack slots

    /// The index of the top element (the number of elements).
    public var top: Int32 {
        get { lua_gettop(L) }
        nonmutating set { lua_settop(L, newValue) }
    }

    /// Makes sure `n` more slots can be pushed. Only a runaway program needs
    /// more than Lua allows (a million slots); that is a bug, and it stops here.
    func ensure(_ n: Int32) {
        if lua_checkstack(L, n) == 0 {
            fatalError("Lua stack overflow: cannot grow the stack by \(n) slots")
        }
    }

    /// Whether `n` more slots can be pushed.
    public func canGrow(by n: Int32) -> Bool {
        lua_checkstack(L, n) != 0
    }

    public func absoluteIndex(_ index: Int32) -> Int32 { lua_absindex(L, index) }
    public func pop(_ n: Int32 = 1) { luash_pop(L, n) }
    public func pushValue(at index: Int32) { ensure(1); lua_pushvalue(L, index) }
    /// Moves the top element to `index`, shifting up the elements above it.
    public func insert(at index: Int32) { luash_insert(L, index) }
    public func remove(at index: Int32) { luash_remove(L, index) }
    /// Pops the top element into `index`.
    public func replace(at index: Int32) { luash_replace(L, index) }

    // MARK: Types

    public func type(at index: Int32) -> LuaType {
        LuaType(rawValue: lua_type(L, index)) ?? .none
    }

    /// The type name as error messages give it: the `__name` of a userdata's
    /// metatable when it has one, as luaL_typename and luaL_tolstring do.
    public func typeName(at index: Int32) -> String {
        String(cString: lua_typename(L, lua_type(L, index)))
    }

    public func isNoneOrNil(at index: Int32) -> Bool { lua_type(L, index) <= 0 }
    public func isInteger(at index: Int32) -> Bool { luash_isinteger(L, index) != 0 }

    // MARK: Pushing values

    public func pushNil() { ensure(1); lua_pushnil(L) }
    public func push(_ value: Bool) { ensure(1); lua_pushboolean(L, value ? 1 : 0) }
    public func push(_ value: Int64) { ensure(1); lua_pushinteger(L, lua_Integer(value)) }
    public func push(_ value: Int) { push(Int64(value)) }
    public func push(_ value: Double) { ensure(1); lua_pushnumber(L, value) }

    /// Pushes a string as its UTF-8 bytes.
    public func push(_ value: String) {
        ensure(1)
        var s = value
        s.withUTF8 { buf in
            _ = lua_pushlstring(L, buf.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }, buf.count)
        }
    }

    /// Pushes a NUL-terminated C string (its bytes as they are).
    public func push(cString: UnsafePointer<CChar>) {
        ensure(1)
        lua_pushstring(L, cString)
    }

    /// Pushes a string of arbitrary bytes (Lua strings need not be UTF-8).
    public func push(bytes: some Collection<UInt8>) {
        ensure(1)
        let done: Void? = bytes.withContiguousStorageIfAvailable { buf in
            _ = lua_pushlstring(L, buf.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }, buf.count)
        }
        if done == nil {
            let copy = Array(bytes)
            copy.withUnsafeBufferPointer { buf in
                _ = lua_pushlstring(L, buf.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }, buf.count)
            }
        }
    }

    /// Pushes JSON's null sentinel: a unique value, distinct from nil.
    public func pushNull() { ensure(1); luash_push_null(L) }
    public func isNull(at index: Int32) -> Bool { luash_is_null(L, index) != 0 }

    // MARK: Reading values (no conversion, no metamethods)

    public func bool(at index: Int32) -> Bool { lua_toboolean(L, index) != 0 }

    /// The integer at `index`, if it is a number with an exact integer value.
    public func integer(at index: Int32) -> Int64? {
        guard lua_type(L, index) == LUA_TNUMBER else { return nil }
        var ok: Int32 = 0
        let i = luash_tointeger(L, index, &ok)
        return ok != 0 ? Int64(i) : nil
    }

    /// The number at `index`, if it is a number.
    public func number(at index: Int32) -> Double? {
        guard lua_type(L, index) == LUA_TNUMBER else { return nil }
        return luash_tonumber(L, index, nil)
    }

    /// The number at `index` as Lua writes it (`5`, `2.5`, `1e+300`, as
    /// `tostring` does), if it is a number.
    public func numberText(at index: Int32) -> String? {
        guard lua_type(L, index) == LUA_TNUMBER else { return nil }
        pushValue(at: index)  // lua_tolstring turns the number it converts into a string: convert a copy
        defer { pop() }
        var len = 0
        guard let p = luash_tolstring(L, -1, &len) else { return nil }
        return String(decoding: UnsafeRawBufferPointer(start: p, count: len), as: UTF8.self)
    }

    /// The bytes of the string at `index`, if it is a string.
    public func bytes(at index: Int32) -> [UInt8]? {
        withBytes(at: index) { Array($0) }
    }

    /// The string at `index` if it is a string of valid UTF-8.
    public func string(at index: Int32) -> String? {
        withBytes(at: index) { String(validating: $0, as: UTF8.self) } ?? nil
    }

    /// The string at `index` as text, invalid UTF-8 replaced by U+FFFD.
    public func lossyString(at index: Int32) -> String? {
        withBytes(at: index) { String(decoding: $0, as: UTF8.self) }
    }

    /// Calls `body` with the bytes of the string at `index` (nil if not a string).
    public func withBytes<R>(at index: Int32, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R? {
        guard lua_type(L, index) == LUA_TSTRING else { return nil }
        var len = 0
        guard let p = luash_tolstring(L, index, &len) else { return nil }
        return try body(UnsafeBufferPointer(start: UnsafeRawPointer(p).assumingMemoryBound(to: UInt8.self), count: len))
    }

    /// A stable identity of a table, function, userdata or thread (for cycle checks).
    public func pointer(at index: Int32) -> UnsafeRawPointer? {
        lua_topointer(L, index)
    }

    // MARK: Globals (raw)

    /// Pushes the table of globals (`_G` as the state made it).
    public func pushGlobalTable() {
        ensure(1)
        lua_rawgeti(L, luash_registryindex(), lua_Integer(LUA_RIDX_GLOBALS))
    }

    /// Pushes the global `name` and returns its type.
    @discardableResult
    public func getGlobal(_ name: String) -> LuaType {
        ensure(3)
        return LuaType(rawValue: luash_getglobal_raw(L, name)) ?? .none
    }

    /// Pops the top value into the global `name`.
    public func setGlobal(_ name: String) {
        ensure(3)
        luash_pushglobaltable(L)
        push(name)
        lua_rotate(L, -3, -1)  // globals name value
        lua_rawset(L, -3)
        pop()
    }
}
