import Dispatch
import Synchronization

/// Runs async work from the Lua thread, which waits for it.
///
/// The Lua state lives on one thread (never a thread of Swift's cooperative
/// pool), and Lua calls are synchronous: a binding starts the work as a task
/// and blocks its own thread until the task is done.
public enum Blocking {
    public static func wait<T: Sendable, Failure: Error>(
        _ work: @escaping @Sendable () async throws(Failure) -> T
    ) throws(Failure) -> T {
        let outcome = Outcome<T, Failure>()
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            let result: Result<T, Failure>
            do throws(Failure) {
                result = .success(try await work())
            } catch {
                result = .failure(error)
            }
            outcome.value.withLock { $0 = result }
            done.signal()
        }
        done.wait()
        return try outcome.value.withLock { $0! }.get()
    }

    /// Where the task leaves its result for the waiting thread.
    private final class Outcome<T: Sendable, Failure: Error>: Sendable {
        let value = Mutex<Result<T, Failure>?>(nil)
    }
}
