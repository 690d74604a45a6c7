import Dispatch
import Synchronization
import LuaKit

/// Runs async work from the Lua thread, which waits for it.
///
/// The Lua state lives on one thread (never a thread of Swift's cooperative
/// pool), and Lua calls are synchronous: a binding starts the work as a task
/// and blocks its own thread until the task is done, or until Ctrl-C or the
/// run's deadline (`--timeout`) stops the wait: then the task is cancelled
/// (AsyncHTTPClient abandons the request) and `stopped` makes the error.
public enum Blocking {
    /// Why a wait ended before its work.
    public enum Interruption: Sendable {
        /// Ctrl-C (SIGINT).
        case signal
        /// The run's time limit passed.
        case deadline
    }

    /// How often the waiting thread looks for Ctrl-C and the deadline.
    static let pollInterval = DispatchTimeInterval.milliseconds(20)

    public static func wait<T: Sendable, Failure: Error>(
        _ work: @escaping @Sendable () async throws(Failure) -> T,
        stopped: (Interruption) -> Failure
    ) throws(Failure) -> T {
        if let interruption = pendingInterruption() {  // Ctrl-C came first: send nothing
            throw stop(interruption, stopped)
        }
        let outcome = ResultSlot<T, Failure>()
        let done = DispatchSemaphore(value: 0)
        let task = Task.detached {
            let result: Result<T, Failure>
            do throws(Failure) {
                result = .success(try await work())
            } catch {
                result = .failure(error)
            }
            outcome.value.withLock { $0 = result }
            done.signal()
        }
        while done.wait(timeout: .now() + pollInterval) == .timedOut {
            if let interruption = pendingInterruption() {
                // The error first: it names the request in flight, which cancelling ends.
                let error = stop(interruption, stopped)
                task.cancel()
                throw error
            }
        }
        return try outcome.value.withLock { $0! }.get()
    }

    /// The deadline, or else a Ctrl-C, if one is waiting to stop the run.
    static func pendingInterruption() -> Interruption? {
        LuaInterrupts.deadlinePassed ? .deadline : LuaInterrupts.interruptPending ? .signal : nil
    }

    /// The error of a wait that `interruption` ended. A Ctrl-C stays pending
    /// until the binding raises this error (then a `pcall` around the call
    /// gets it); after the deadline this error is the run's error wherever it
    /// is caught, so the run's last word names the call it stopped.
    static func stop<Failure: Error>(_ interruption: Interruption, _ stopped: (Interruption) -> Failure) -> Failure {
        if interruption == .deadline { LuaInterrupts.deadlineStoppedCall() }
        return stopped(interruption)
    }

    /// Where the task leaves its result for the waiting thread.
    private final class ResultSlot<T: Sendable, Failure: Error>: Sendable {
        let value = Mutex<Result<T, Failure>?>(nil)
    }
}
