import CLua
import CLuaShim

/// A Swift function callable from Lua. It reads its arguments from the stack
/// (1...top), pushes its results and returns how many it pushed; or it throws.
///
/// What it throws becomes the Lua error: a ``LuaError`` raises its original
/// value again, a ``LuaRaisable`` pushes its own value, a ``LuaArgumentError``
/// reads `bad argument #n to 'name' (...)`, and any other error its description,
/// each string with the caller's position in front as `luaL_error` gives it.
public typealias LuaHostFunction = (LuaStack) throws -> Int32

/// The box Lua holds for a host function (released by the userdata's __gc).
final class HostFunction {
    let name: String
    let body: LuaHostFunction

    init(name: String, body: @escaping LuaHostFunction) {
        self.name = name
        self.body = body
    }

    /// Gives the C trampoline its way back into Swift; evaluated once per
    /// process (a lazy static is initialised exactly once, whatever the threads).
    static let dispatchInstalled: Void = {
        luash_host_setup(
            { L, fn in
                let function = Unmanaged<HostFunction>.fromOpaque(fn!).takeUnretainedValue()
                let stack = LuaStack(L!)
                do {
                    return try function.body(stack)
                } catch {
                    stack.pushError(error, raisedBy: function.name)
                    return -1
                }
            },
            { object in
                Unmanaged<AnyObject>.fromOpaque(object!).release()
            })
    }()
}

extension LuaStack {
    /// Pushes a Lua function that runs `body`. `name` appears in argument errors.
    public func push(function body: @escaping LuaHostFunction, name: String = "?") {
        ensure(3)
        let box = HostFunction(name: name, body: body)
        luash_push_host_function(L, Unmanaged.passRetained(box as AnyObject).toOpaque())
    }

    /// Pushes the Lua error value for a Swift error (see ``LuaHostFunction``).
    func pushError(_ error: any Error, raisedBy function: String) {
        ensure(3)
        switch error {
        case let error as LuaError where error.value != nil:
            error.value!.push(onto: self)
        case let error as LuaRaisable:
            error.pushErrorValue(onto: self)
        case let error as LuaArgumentError:
            pushWithPosition("bad argument #\(error.position) to '\(function)' (\(error.message))")
        case let error as LuaError:
            pushWithPosition(error.message)
        default:
            pushWithPosition(String(describing: error))
        }
    }

    /// Pushes `message` with the calling Lua code's position in front ("file:line: ").
    public func pushWithPosition(_ message: String) {
        ensure(3)
        luaL_where(L, 1)
        push(message)
        lua_concat(L, 2)
    }
}
