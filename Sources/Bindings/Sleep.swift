#if canImport(Glibc)
import Glibc
#endif

/// `procsh.sleep(seconds)`: waits, for example as long as an error's
/// `retryAfter` says. A signal (Ctrl-C) ends the wait early.
enum Sleep {
    static func seconds(_ seconds: Double) {
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - seconds.rounded(.down)) * 1e9))
        _ = nanosleep(&request, nil)
    }
}
