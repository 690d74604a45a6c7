import CLua
import CLuaShim

/// Tables: raw access never runs metamethods and cannot fail; the protected
/// forms honour `__index`/`__newindex` and throw what they raise.
extension LuaStack {
    /// Pushes a new table, with room preallocated for `array` items and `hash` members.
    public func newTable(array: Int32 = 0, hash: Int32 = 0) {
        ensure(1)
        lua_createtable(L, array, hash)
    }

    /// Pushes `t[key]` for the table at `table`, without metamethods; returns its type.
    @discardableResult
    public func rawGet(_ table: Int32, key: String) -> LuaType {
        let t = absoluteIndex(table)
        push(key)
        return LuaType(rawValue: lua_rawget(L, t)) ?? .none
    }

    /// Pushes `t[n]` without metamethods; returns its type.
    @discardableResult
    public func rawGet(_ table: Int32, index n: Int64) -> LuaType {
        ensure(1)
        return LuaType(rawValue: lua_rawgeti(L, table, lua_Integer(n))) ?? .none
    }

    /// Pops the top value into `t[key]`, without metamethods.
    public func rawSet(_ table: Int32, key: String) {
        let t = absoluteIndex(table)
        push(key)
        insert(at: -2)
        lua_rawset(L, t)
    }

    /// Pops the top value into `t[n]`, without metamethods.
    public func rawSet(_ table: Int32, index n: Int64) {
        lua_rawseti(L, table, lua_Integer(n))
    }

    /// The raw length (`#` without `__len`) of a table or string.
    public func rawLength(at index: Int32) -> Int64 {
        Int64(lua_rawlen(L, index))
    }

    /// Iterates a table without metamethods: pops a key and pushes the next
    /// key and its value; returns false (pushing nothing) at the end. Start
    /// with nil on top. Do not convert a key in place while iterating.
    public func next(_ table: Int32) -> Bool {
        ensure(2)
        return lua_next(L, table) != 0
    }

    /// Pops a table (or nil) and sets it as the metatable of the value at `index`.
    public func setMetatable(_ index: Int32) {
        lua_setmetatable(L, index)
    }

    /// Pushes the metatable of the value at `index`, if it has one.
    @discardableResult
    public func getMetatable(_ index: Int32) -> Bool {
        ensure(1)
        return lua_getmetatable(L, index) != 0
    }

    /// Pushes `t[key]`, honouring `__index`; throws what a metamethod raises.
    @discardableResult
    public func getField(_ table: Int32, _ key: String) throws(LuaError) -> LuaType {
        ensure(4)
        try check(luash_getfield(L, table, key))
        return type(at: -1)
    }

    /// Pops a key and pushes `t[key]`, honouring `__index`.
    @discardableResult
    public func getTable(_ table: Int32) throws(LuaError) -> LuaType {
        ensure(4)
        try check(luash_gettable(L, table))
        return type(at: -1)
    }

    /// Pops a key and a value (value on top) and sets `t[key] = value`, honouring `__newindex`.
    public func setTable(_ table: Int32) throws(LuaError) {
        ensure(4)
        try check(luash_settable(L, table))
    }

    /// Pops the top value into `t[key]`, honouring `__newindex`.
    public func setField(_ table: Int32, _ key: String) throws(LuaError) {
        let t = absoluteIndex(table)
        push(key)
        insert(at: -2)
        try setTable(t)
    }

    /// `#v`, honouring `__len`; throws what the metamethod raises.
    public func length(at index: Int32) throws(LuaError) -> Int64 {
        ensure(4)
        try check(luash_len(L, index))
        defer { pop() }
        guard let n = integer(at: -1) else {
            throw LuaError(message: "object length is not an integer")
        }
        return n
    }

    /// Pushes the registry's metatable `name` (for plain tables: no `__gc`),
    /// creating it with `__name` the first time. Returns true if it was created,
    /// so the caller can fill it.
    @discardableResult
    public func pushMetatable(named name: String) -> Bool {
        ensure(3)
        return luaL_newmetatable(L, name) != 0
    }

    /// Whether the values at `a` and `b` are the same value, without metamethods.
    public func rawEqual(_ a: Int32, _ b: Int32) -> Bool { lua_rawequal(L, a, b) != 0 }
}
