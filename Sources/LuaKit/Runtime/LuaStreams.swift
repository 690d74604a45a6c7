#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CLuaShim

/// C's standard streams, the ones Lua's `print` and `io` write to. Swift 6
/// cannot touch C's `stdout` global; writing through the same `FILE` keeps
/// procsh's own output in order with the script's.
public enum LuaStreams {
    public static var input: UnsafeMutablePointer<FILE> { luash_stdin() }
    public static var output: UnsafeMutablePointer<FILE> { luash_stdout() }
    public static var error: UnsafeMutablePointer<FILE> { luash_stderr() }

    /// Writes `text` to standard output, buffered (as `lua_writestring`).
    public static func write(_ text: String) { fputs(text, output) }

    /// Writes `text` to standard error and flushes it (as `lua_writestringerror`).
    public static func writeError(_ text: String) {
        fputs(text, error)
        fflush(error)
    }

    /// Flushes standard output.
    public static func flushOutput() { fflush(output) }
}
