#if canImport(Glibc)
import Glibc
#endif
import LuaKit

/// `procsh.sleep(seconds)`: waits, for example as long as an error's
/// `retryAfter` says. Ctrl-C and the run's time limit (`--timeout`) end the
/// wait early; the script then stops as they say.
public enum Sleep {
    public static func seconds(_ seconds: Double) {
        let end = now() + seconds
        while !stopping {
            let left = end - now()
            if left <= 0 { return }
            let slice = min(left, 3600)  // any length in steps a timespec holds
            var request = timespec(tv_sec: Int(slice), tv_nsec: Int((slice - slice.rounded(.down)) * 1e9))
            _ = nanosleep(&request, nil)  // a signal cuts it short: the loop looks again
        }
    }

    /// Monotonic seconds.
    private static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }
}

extension Sleep {
    /// Whether Ctrl-C or the run's time limit asks the run to stop.
    public static var stopping: Bool { LuaInterrupts.deadlinePassed || LuaInterrupts.interruptPending }
}
