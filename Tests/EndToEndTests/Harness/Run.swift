import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the child gets as its standard input. Never a terminal.
enum Stdin: Sendable {
    /// /dev/null.
    case null
    /// A pipe holding these bytes, write end closed (the child sees EOF after them).
    case text(String)
    /// A pipe whose write end stays open (nothing is ever written) until the child ends.
    case openPipe
}

/// How a child ended.
enum Termination: Sendable, Equatable, CustomStringConvertible {
    case exit(Int32)
    case signal(Int32)

    var description: String {
        switch self {
        case .exit(let code): return "exit status \(code)"
        case .signal(let sig): return "terminated by signal \(sig)\(sig == SIGINT ? " (SIGINT)" : "")"
        }
    }
}

/// Everything observable about one finished run.
struct ProcessResult: Sendable, CustomStringConvertible {
    var stdout: String
    var stderr: String
    var termination: Termination
    /// True if the harness had to kill the child after the timeout.
    var timedOut: Bool

    var description: String {
        """
        \(termination)\(timedOut ? " (KILLED AFTER TIMEOUT)" : "")
        --- stdout ---
        \(stdout)
        --- stderr ---
        \(stderr)
        """
    }
}

/// The environment every child starts from: no LUA_* variables, no TERM (so readline
/// in the reference stays "dumb"), HOME pointing at the test's own directory.
func baseEnvironment(home: String) -> [String: String] {
    [
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": home,
        "LANG": "C",
    ]
}

/// Collects a child's output as it arrives; thread-safe.
private final class OutputBuffer: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    private var finished = false

    func append(_ chunk: Data) { lock.withLock { data.append(chunk) } }
    func finish() { lock.withLock { finished = true } }
    var snapshot: Data { lock.withLock { data } }
    var isFinished: Bool { lock.withLock { finished } }
}

/// A running child process with stdout/stderr read concurrently on their own threads
/// (no pipe deadlock), which can be signalled and waited for with a timeout.
///
/// Its lifetime is bounded whatever the test does: the child is killed `lifetime` seconds
/// after it starts, and when this object goes away (a test that fails or throws before
/// waiting for its child leaves nothing running).
final class RunningProcess: @unchecked Sendable {
    let executable: String
    let pid: Int32
    private let process: Process
    private let out = OutputBuffer()
    private let err = OutputBuffer()
    private let exited = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var heldStdinWriter: FileHandle?
    private var result: ProcessResult?
    /// Set when the lifetime ran out and the child was killed for it (its own lock:
    /// `lock` is held for the whole of a wait).
    private let expiry = NSLock()
    private var expired = false

    init(
        executable: String,
        arguments: [String],
        environment: [String: String],
        directory: URL,
        stdin: Stdin = .null,
        mergeStderrIntoStdout: Bool = false,
        lifetime: Double = 120
    ) throws {
        self.executable = executable
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        process.currentDirectoryURL = directory

        var stdinReadEnd: FileHandle?
        switch stdin {
        case .null:
            guard let devNull = FileHandle(forReadingAtPath: "/dev/null") else {
                throw HarnessError("cannot open /dev/null")
            }
            stdinReadEnd = devNull
        case .text(let text):
            // Fill the pipe *before* starting the child and close the write end: no writer
            // thread, no SIGPIPE if the child exits without reading. Fits in the pipe buffer.
            let bytes = Data(text.utf8)
            guard bytes.count < 60_000 else { throw HarnessError("stdin text too large for a pipe buffer") }
            let pipe = Pipe()
            try pipe.fileHandleForWriting.write(contentsOf: bytes)
            try pipe.fileHandleForWriting.close()
            stdinReadEnd = pipe.fileHandleForReading
        case .openPipe:
            let pipe = Pipe()
            heldStdinWriter = pipe.fileHandleForWriting
            stdinReadEnd = pipe.fileHandleForReading
        }
        process.standardInput = stdinReadEnd

        let outPipe = Pipe()
        let errPipe = Pipe()
        process.standardOutput = outPipe
        // Merged: the same pipe's write end as a plain FileHandle (Foundation dups it but
        // only closes the ends of objects passed as Pipe).
        process.standardError = mergeStderrIntoStdout ? outPipe.fileHandleForWriting : errPipe

        let exited = self.exited
        process.terminationHandler = { _ in exited.signal() }
        self.process = process

        try Self.launchWithEmptySignalMask(process)
        pid = process.processIdentifier
        // The child has its own copy of stdin; Foundation already closed our copies of the
        // write ends of the output pipes (they were passed as Pipe objects).
        try? stdinReadEnd?.close()

        Self.drain(outPipe.fileHandleForReading, into: out)
        if mergeStderrIntoStdout {
            try? errPipe.fileHandleForReading.close()
            try? errPipe.fileHandleForWriting.close()
            err.finish()
        } else {
            Self.drain(errPipe.fileHandleForReading, into: err)
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + lifetime) { [weak self] in self?.expire() }
    }

    deinit {
        // Still ours to kill: Foundation has not reaped it, so the pid is not reused.
        if process.isRunning { kill(pid, SIGKILL) }
    }

    /// The lifetime ran out: kill the child, and say so in its result.
    private func expire() {
        guard process.isRunning else { return }
        expiry.withLock { expired = true }
        kill(pid, SIGKILL)
    }

    /// posix_spawn gives the child the *calling thread's* signal mask, and the threads
    /// Swift concurrency runs tests on block signals such as SIGINT: a child spawned from
    /// them would never see our SIGINT. So spawn from a fresh thread with an empty mask.
    private static func launchWithEmptySignalMask(_ process: Process) throws {
        final class Outcome: @unchecked Sendable {
            var error: (any Error)?
            let done = DispatchSemaphore(value: 0)
        }
        let outcome = Outcome()
        Thread.detachNewThread {
            var empty = sigset_t()
            sigemptyset(&empty)
            pthread_sigmask(SIG_SETMASK, &empty, nil)
            do { try process.run() } catch { outcome.error = error }
            outcome.done.signal()
        }
        outcome.done.wait()
        if let error = outcome.error { throw error }
    }

    private static func drain(_ handle: FileHandle, into buffer: OutputBuffer) {
        Thread.detachNewThread {
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                buffer.append(chunk)
            }
            try? handle.close()
            buffer.finish()
        }
    }

    var isRunning: Bool { process.isRunning }

    var stdoutSoFar: String { String(decoding: out.snapshot, as: UTF8.self) }
    var stderrSoFar: String { String(decoding: err.snapshot, as: UTF8.self) }

    /// Sends a signal to the child (only to it: it is our own child, by pid).
    func send(_ signal: Int32) {
        if process.isRunning { kill(pid, signal) }
    }

    /// Polls until stdout contains `text` (true) or the timeout passes / the child ends (false).
    func waitForStdout(containing text: String, timeout: Double = 10) async -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if stdoutSoFar.contains(text) { return true }
            if !process.isRunning && out.isFinished { return stdoutSoFar.contains(text) }
            try? await Task.sleep(nanoseconds: 10_000_000)
        }
        return stdoutSoFar.contains(text)
    }

    /// Waits for the child to end (killing it with SIGKILL after `timeout` seconds) and for
    /// its output to be fully read. Blocking happens on a dedicated thread, not the
    /// cooperative pool.
    func wait(timeout: Double = 10) async -> ProcessResult {
        await withCheckedContinuation { (continuation: CheckedContinuation<ProcessResult, Never>) in
            Thread.detachNewThread { [self] in
                continuation.resume(returning: self.blockingWait(timeout: timeout))
            }
        }
    }

    private func blockingWait(timeout: Double) -> ProcessResult {
        lock.lock()
        defer { lock.unlock() }
        if let result { return result }
        var timedOut = false
        if exited.wait(timeout: .now() + timeout) == .timedOut {
            timedOut = true
            kill(pid, SIGKILL)
            exited.wait()
        }
        exited.signal()  // let a later waiter through too
        if expiry.withLock({ expired }) { timedOut = true }
        try? heldStdinWriter?.close()
        heldStdinWriter = nil
        // Output readers end at EOF; a grandchild holding the pipe could delay it: bound it.
        let readDeadline = Date().addingTimeInterval(5)
        while !(out.isFinished && err.isFinished) && Date() < readDeadline {
            usleep(2_000)
        }
        let termination: Termination =
            process.terminationReason == .uncaughtSignal
            ? .signal(process.terminationStatus) : .exit(process.terminationStatus)
        let result = ProcessResult(
            stdout: String(decoding: out.snapshot, as: UTF8.self),
            stderr: String(decoding: err.snapshot, as: UTF8.self),
            termination: termination,
            timedOut: timedOut)
        self.result = result
        return result
    }
}

/// A fresh temporary directory holding the given files (name → contents).
func makeTempDirectory(files: [String: String] = [:]) throws -> URL {
    let dir = FileManager.default.temporaryDirectory
        .appendingPathComponent("procsh-e2e-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    for (name, contents) in files {
        let url = dir.appendingPathComponent(name)
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(contents.utf8).write(to: url)
    }
    // Resolve symlinks (e.g. /tmp -> /private/tmp) so the path children see matches.
    return dir.resolvingSymlinksInPath()
}

/// Runs a program to completion in `directory`.
func run(
    _ executable: String,
    _ arguments: [String],
    stdin: Stdin = .null,
    environment: [String: String],
    directory: URL,
    mergeStderrIntoStdout: Bool = false,
    timeout: Double = 10
) async throws -> ProcessResult {
    // A script the test has just written may be "busy" for a moment: a child
    // another test spawned between the write's open and close holds the
    // written file open until it execs. The kernel refuses to run it then
    // (ETXTBSY); it runs once that child has.
    var attempts = 0
    while true {
        do {
            // The wait kills it at `timeout`; the lifetime is only the backstop.
            let child = try RunningProcess(
                executable: executable, arguments: arguments, environment: environment,
                directory: directory, stdin: stdin, mergeStderrIntoStdout: mergeStderrIntoStdout,
                lifetime: timeout + 30)
            return await child.wait(timeout: timeout)
        } catch let error as NSError where isTextFileBusy(error) && attempts < 50 {
            attempts += 1
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}

/// Whether spawning failed with ETXTBSY, the executable open for writing somewhere.
private func isTextFileBusy(_ error: NSError) -> Bool {
    let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError
    return [error, underlying].contains { $0?.domain == NSPOSIXErrorDomain && $0?.code == Int(ETXTBSY) }
}
