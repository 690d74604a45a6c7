#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LuaKit

/// Output as lua.c writes it: through C's stdout and stderr, so it interleaves
/// correctly with what Lua's `print` and `io.write` write to the same streams.
public enum Console {
    /// Writes to standard output (buffered, as `lua_writestring`).
    public static func write(_ text: String) {
        LuaStreams.write(text)
    }

    /// Ends a line on standard output and flushes it (`lua_writeline`).
    public static func writeLine() {
        LuaStreams.write("\n")
        LuaStreams.flushOutput()
    }

    /// Writes to standard error and flushes it (`lua_writestringerror`).
    public static func writeError(_ text: String) {
        LuaStreams.writeError(text)
    }

    /// Prints an error message, with the program name in front when there is one (lua.c's `l_message`).
    public static func message(_ progname: String?, _ text: String) {
        if let progname { writeError("\(progname): ") }
        writeError("\(text)\n")
    }

    /// If `status` is an error, prints the message on top of the stack and pops
    /// it (lua.c's `report`). Returns `status`.
    @discardableResult
    public static func report(_ stack: LuaStack, status: Int32, progname: String?) -> Int32 {
        if status != 0 {
            message(progname, stack.errorMessage(at: -1))
            stack.pop()
        }
        return status
    }
}
