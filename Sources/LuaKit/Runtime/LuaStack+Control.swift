import CLua
import CLuaShim

/// What a host program needs beyond values and calls: the registry, the
/// collector, warnings, the deadline, and LuaKit's C functions.
extension LuaStack {
    /// The pseudo-index of the registry (`LUA_REGISTRYINDEX`), for
    /// ``rawGet(_:key:)`` and ``rawSet(_:key:)``.
    public static var registry: Int32 { luash_registryindex() }

    /// The registry key under which the message handler of
    /// ``callWithTraceback(arguments:results:)`` leaves the last error object
    /// it handled (so the host can choose an exit status from it).
    public static let uncaughtErrorKey = LUASH_UNCAUGHT_KEY

    /// The garbage collector's modes a host switches between.
    public enum Collector {
        /// No collection (while a state is being built).
        case stopped
        /// Collection again, in generational mode (as lua.c runs scripts).
        case generational
    }

    /// Stops or restarts the garbage collector.
    public func setCollector(_ mode: Collector) {
        switch mode {
        case .stopped:
            _ = luash_gc(L, LUA_GCSTOP)
        case .generational:
            _ = luash_gc(L, LUA_GCRESTART)
            luash_gc_generational(L)
        }
    }

    /// Emits a warning (`lua_warning`); `"@on"` and `"@off"` are control messages.
    public func warn(_ message: String, continued: Bool = false) {
        lua_warning(L, message, continued ? 1 : 0)
    }

    /// Arms the run's deadline: after `seconds`, every instruction of this
    /// state raises `message`, so no pcall can swallow it.
    public func armDeadline(seconds: Double, message: String) {
        luash_deadline_arm(L, seconds, message)
    }

    /// Pushes LuaKit's fast JSON encoder, a Lua C function: `(value)` ->
    /// compact JSON text with sorted keys, or nil when the value has no JSON form.
    public func pushJSONEncoder() {
        _ = doubleFormatterInstalled
        ensure(1)
        lua_pushcclosure(L, luash_json_encode, 0)
    }
}

/// The C encoder writes floats as Swift's `Double.description` does, so its
/// text and JSONValue's writer's agree: the shortest that reads back exactly.
private let doubleFormatterInstalled: Void = luash_json_set_double_formatter { value, text, capacity in
    var description = value.description
    return description.withUTF8 { utf8 in
        guard let text, utf8.count <= capacity else { return 0 }
        UnsafeMutableRawPointer(text).copyMemory(from: utf8.baseAddress!, byteCount: utf8.count)
        return utf8.count
    }
}
