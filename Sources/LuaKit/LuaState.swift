import CLua
import CLuaShim

/// A Lua interpreter: owns its `lua_State` and closes it on deinit.
///
/// Confined to one thread: create it, call into it and release it on the same
/// thread (it is not `Sendable`).
public final class LuaState {
    /// The main thread's stack.
    public let stack: LuaStack
    let memory: UnsafeMutablePointer<luash_memory>

    var L: OpaquePointer { stack.L }

    /// Creates a state; with `openLibraries`, Lua's standard libraries are open.
    /// Stops the program when the system is out of memory, as nothing could run.
    public init(openLibraries: Bool = true) {
        _ = HostFunction.dispatchInstalled
        memory = .allocate(capacity: 1)
        memory.initialize(to: luash_memory(used: 0, peak: 0, limit: 0, host: 1))
        guard let L = luash_newstate(memory) else {
            fatalError("cannot create a Lua state: not enough memory")
        }
        stack = LuaStack(L)
        luash_extraspace(L).pointee = Unmanaged.passUnretained(self).toOpaque()
        if openLibraries { self.openLibraries() }
    }

    deinit {
        lua_close(L)
        memory.deallocate()
    }

    /// The ``LuaState`` a thread of it belongs to (its address sits in each
    /// thread's extra space, which Lua copies into new threads).
    static func owner(of L: OpaquePointer) -> LuaState {
        Unmanaged<LuaState>.fromOpaque(luash_extraspace(L).pointee!).takeUnretainedValue()
    }

    /// Opens Lua's standard libraries (base, package, string, table, ...).
    public func openLibraries() {
        luaL_openlibs(L)
    }

    // MARK: Memory

    /// Bytes the state has allocated now.
    public var memoryInUse: Int { Int(memory.pointee.used) }

    /// The most bytes the state has held at once.
    public var peakMemory: Int { Int(memory.pointee.peak) }

    /// A cap on the bytes Lua may allocate; nil for none. Past it, Lua code gets
    /// "not enough memory" (catchable by `pcall`). Allocations made while Swift
    /// code runs never fail, so a host function never sees a Lua error raised
    /// inside it; its allocations count toward the cap that Lua then meets.
    public var memoryLimit: Int? {
        get { memory.pointee.limit == 0 ? nil : Int(memory.pointee.limit) }
        set { memory.pointee.limit = newValue.map { max(1, $0) } ?? 0 }
    }

    // MARK: Conveniences

    /// Sets the global `name` to a host function.
    public func register(_ name: String, _ body: @escaping (LuaStack) throws -> Int32) {
        stack.push(function: body, name: name)
        stack.setGlobal(name)
    }

    /// Runs a chunk of Lua code and returns how many results it left on the stack.
    @discardableResult
    public func run(_ code: String, name: String = "=(run)") throws(LuaError) -> Int32 {
        let base = stack.top
        try stack.load(code, name: name)
        try stack.call(results: nil)
        return stack.top - base
    }

    /// Runs Lua's full garbage collection.
    public func collectGarbage() {
        _ = luash_gc(L, LUA_GCCOLLECT)
    }
}
