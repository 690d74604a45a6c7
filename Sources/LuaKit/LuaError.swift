import CLua

/// A Lua error seen from Swift: what a protected call or load returned.
///
/// It keeps the original error value (which may be a table with a metatable),
/// so a host function that lets it propagate raises the very same value again:
/// `pcall` in the script gets it intact.
public struct LuaError: Error, CustomStringConvertible {
    /// Lua's status codes for failures.
    public enum Status: Int32, Sendable {
        case yield = 1
        case runtime = 2
        case syntax = 3
        case memory = 4
        case messageHandler = 5
        case file = 6
    }

    public let status: Status
    /// The error value as text: the string itself, its `__tostring`, or
    /// "(error object is a table value)".
    public let message: String
    /// The original error value, anchored in the registry. (Like the state it
    /// belongs to, use it only on the thread that runs that state.)
    nonisolated(unsafe) public let value: LuaReference?

    public init(status: Status = .runtime, message: String, value: LuaReference? = nil) {
        self.status = status
        self.message = message
        self.value = value
    }

    public var description: String { message }
}

/// An error a host function can throw to raise a value of its own making in Lua
/// (for example a table with a metatable). Other Swift errors become a string.
public protocol LuaRaisable: Error {
    /// Pushes the Lua error value. Must push exactly one value.
    func pushErrorValue(onto stack: LuaStack)
}

/// A host function's complaint about one of its arguments, raised in Lua as
/// `bad argument #n to 'name' (message)`, as luaL_argerror does.
public struct LuaArgumentError: Error, CustomStringConvertible {
    public let position: Int32
    public let message: String

    public init(_ position: Int32, _ message: String) {
        self.position = position
        self.message = message
    }

    public var description: String { "bad argument #\(position) (\(message))" }
}
