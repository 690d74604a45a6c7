#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LuaKit

/// What every run does as it ends, whether the interpreter returns or the
/// script calls `os.exit`: the output is flushed, a held output
/// (`--quiet-on-success`) goes out as the status says, and the health check
/// (`--ping-url`) gets its last ping. A run killed by a signal does none of it.
enum RunEnd {
    /// The run's pings, once procsh knows where to send them.
    nonisolated(unsafe) static var pings: HealthPings?

    /// Ends the run with `status` (once; a second call does nothing more than flush).
    static func finish(status: Int32) {
        LuaStreams.flushOutput()
        fflush(LuaStreams.error)
        let ending = pings
        pings = nil
        let kept = ending?.stopKeeping()
        OutputHold.finish(status: status)
        if let ending, let kept {
            ending.end(status: status, kept: kept)
        }
    }

    /// Lua's `os.exit` ends the process without returning to procsh: while
    /// output is held or pings are due, it first ends the run as its status says.
    static func wrapExit(of stack: LuaStack) throws {
        // The status as os.exit reads its code: true or none is success, false failure, else the integer.
        try stack.load(
            """
            local exit, finish = os.exit, ...
            os.exit = function(code, close)
              finish(code == nil and 0 or code == true and 0 or code == false and 1 or code)
              return exit(code, close)
            end
            """, name: "=os.exit")
        stack.push(function: { s in
            finish(status: Int32(truncatingIfNeeded: s.integer(at: 1) ?? 1))
            return 0
        }, name: "os.exit")
        try stack.call(arguments: 1, results: 0)
    }
}
