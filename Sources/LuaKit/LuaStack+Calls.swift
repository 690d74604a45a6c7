import CLua
import CLuaShim

/// Loading and calling: every call here is protected, and a failure comes back
/// as a thrown ``LuaError`` holding the original error value.
extension LuaStack {
    /// Turns a Lua status into a thrown error, popping the error value.
    func check(_ status: Int32) throws(LuaError) {
        if status != LUA_OK { throw popError(status: status) }
    }

    /// Pops the error value on top into a ``LuaError``.
    public func popError(status: Int32 = LUA_ERRRUN) -> LuaError {
        let message = errorMessage(at: -1)
        let value = LuaReference(owner: state, popping: self)
        return LuaError(status: LuaError.Status(rawValue: status) ?? .runtime, message: message, value: value)
    }

    /// The text of an error value, as lua.c's message handler would make it:
    /// the string or number itself, its `__tostring` result, or
    /// "(error object is a <type> value)".
    public func errorMessage(at index: Int32) -> String {
        switch type(at: index) {
        case .string:
            return lossyString(at: index) ?? ""
        case .number:
            return numberText(at: index) ?? ""
        default:
            let i = absoluteIndex(index)
            ensure(4)
            if luaL_getmetafield(L, i, "__tostring") != LUA_TNIL {
                pop()
                if (try? toStringMeta(at: i)) != nil, type(at: -1) == .string {
                    defer { pop() }
                    return lossyString(at: -1) ?? ""
                }
            }
            return "(error object is a \(typeName(at: i)) value)"
        }
    }

    /// Pushes `tostring(v)` for the value at `index`, as luaL_tolstring does
    /// (honouring `__tostring` and `__name`); throws what `__tostring` raises.
    public func toStringMeta(at index: Int32) throws(LuaError) {
        ensure(4)
        try check(luash_tostring_meta(L, index))
    }

    /// `tostring(v)` as a Swift string.
    public func describe(at index: Int32) throws(LuaError) -> String {
        try toStringMeta(at: index)
        defer { pop() }
        return lossyString(at: -1) ?? ""
    }

    /// Compiles `code` and pushes the resulting function. `name` is the chunk
    /// name as Lua takes it: "=stdin" shows as `stdin`, "@file.lua" as `file.lua`.
    public func load(_ code: some Collection<UInt8>, name: String, mode: String = "bt") throws(LuaError) {
        try check(loadStatus(bytes: code, name: name, mode: mode))
    }

    /// Compiles `code` as ``load(_:name:mode:)`` does, but returns Lua's status,
    /// leaving the function or the error message on top, as the C API does.
    public func loadStatus(bytes code: some Collection<UInt8>, name: String, mode: String = "bt") -> Int32 {
        let compile = { (buf: UnsafeBufferPointer<UInt8>) in
            buf.withMemoryRebound(to: CChar.self) { loadStatus($0, name: name, mode: mode) }
        }
        return code.withContiguousStorageIfAvailable(compile) ?? Array(code).withUnsafeBufferPointer(compile)
    }

    /// Compiles `code` as ``load(_:name:mode:)`` does, but returns Lua's status,
    /// leaving the function or the error message on top, as the C API does.
    public func loadStatus(_ code: UnsafeBufferPointer<CChar>, name: String, mode: String = "bt") -> Int32 {
        ensure(2)
        return luaL_loadbufferx(L, code.baseAddress, code.count, name, mode)
    }

    /// Compiles a file (nil: standard input), returning Lua's status with the
    /// function or the error message on top.
    public func loadFileStatus(_ path: UnsafePointer<CChar>?) -> Int32 {
        ensure(3)
        return luaL_loadfilex(L, path, nil)
    }

    /// Calls the function under the top `arguments` values, returning Lua's
    /// status with the error value on top when it failed.
    public func callStatus(arguments: Int32 = 0, results: Int32? = 0) -> Int32 {
        ensure(1)
        return luash_pcall(L, arguments, results ?? luash_multret(), 0)
    }

    /// Compiles a string of Lua code.
    public func load(_ code: String, name: String) throws(LuaError) {
        try load(Array(code.utf8), name: name)
    }

    /// Compiles a file (nil: standard input), skipping a first line that starts with `#`.
    public func loadFile(_ path: String?) throws(LuaError) {
        let status = path.map { $0.withCString { loadFileStatus($0) } } ?? loadFileStatus(nil)
        try check(status)
    }

    /// Calls the function under the top `arguments` values; leaves `results`
    /// results (all of them with `nil`). Throws the error value it raised.
    public func call(arguments: Int32 = 0, results: Int32? = 0) throws(LuaError) {
        try check(callStatus(arguments: arguments, results: results))
    }

    /// As ``call(arguments:results:)``, but the error message gets a traceback
    /// and a first SIGINT interrupts the code with "interrupted!", as lua.c's
    /// `docall`. Returns the Lua status (the error value on top when not OK).
    public func callWithTraceback(arguments: Int32 = 0, results: Int32? = 0) -> Int32 {
        ensure(2)
        return luash_docall(L, arguments, results ?? luash_multret())
    }
}

extension LuaStack {
    /// Pops a table and makes it the `_ENV` of the loaded chunk at `index`
    /// (its first upvalue). False, popping it all the same, if the function
    /// has no upvalue (a host function).
    @discardableResult
    public func setEnvironment(ofChunkAt index: Int32) -> Bool {
        let chunk = absoluteIndex(index)
        guard lua_setupvalue(L, chunk, 1) != nil else {
            pop()
            return false
        }
        return true
    }
}
