#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Foundation
import LuaKit
import Synchronization

/// Standard error through a pipe, as `tee` would: file descriptor 2 becomes
/// the pipe's write end, and a thread writes everything that arrives on to
/// the real standard error at once, in order, and keeps the last bytes. It
/// sees all that goes to file descriptor 2: procsh's messages, the script's
/// `io.stderr`, and the programs `os.execute` and `io.popen` start.
final class StandardErrorTee: @unchecked Sendable {
    /// The pipe's read end.
    private let input: Int32
    /// The real standard error (a duplicate of what file descriptor 2 was).
    private let output: Int32
    /// A pipe whose one byte tells the thread to read what is left and stop.
    private let stopRead: Int32
    private let stopWrite: Int32
    /// How many of the last bytes to keep.
    private let keep: Int
    private let kept = Mutex<[UInt8]>([])
    private let ended = DispatchSemaphore(value: 0)

    /// Starts the tee; nil (standard error untouched) if a pipe or a
    /// descriptor cannot be had, or standard error is closed.
    init?(keeping keep: Int) {
        var data: [Int32] = [-1, -1]
        var stop: [Int32] = [-1, -1]
        guard Self.privatePipe(&data) else { return nil }
        guard Self.privatePipe(&stop) else {
            for fd in data { close(fd) }
            return nil
        }
        let output = fcntl(2, F_DUPFD_CLOEXEC, 3)
        fflush(LuaStreams.error)
        guard output >= 0, dup2(data[1], 2) >= 0 else {  // dup2 clears close-on-exec: children write to the pipe too
            for fd in data + stop + [output] where fd >= 0 { close(fd) }
            return nil
        }
        close(data[1])
        (input, self.output, stopRead, stopWrite, self.keep) = (data[0], output, stop[0], stop[1], keep)
        Thread.detachNewThread { [self] in pump() }
    }

    /// A pipe whose ends programs the script starts do not get (fd 2 aside).
    private static func privatePipe(_ fds: inout [Int32]) -> Bool {
        guard pipe(&fds) == 0 else { return false }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return true
    }

    /// Stops the tee: file descriptor 2 is the real standard error again,
    /// and what was still in the pipe has been written on. Returns the last
    /// bytes that went through (at most `keeping`).
    func finish() -> [UInt8] {
        fflush(LuaStreams.error)
        _ = dup2(output, 2)  // this process's last write end of the pipe goes
        var byte: UInt8 = 1
        _ = write(stopWrite, &byte, 1)
        ended.wait()
        for fd in [input, output, stopRead, stopWrite] { close(fd) }
        return kept.withLock { Array($0.suffix(keep)) }
    }

    /// The thread: from the pipe to the real standard error until the end of
    /// the pipe or the stop byte, then what is left without waiting (a
    /// program `os.execute` left running may hold a write end open).
    private func pump() {
        var signals = sigset_t()
        sigfillset(&signals)
        pthread_sigmask(SIG_BLOCK, &signals, nil)  // the Lua thread's signals (Ctrl-C, --timeout) stay its own
        var buffer = [UInt8](repeating: 0, count: 65536)
        var watched = [pollfd(fd: input, events: Int16(POLLIN), revents: 0), pollfd(fd: stopRead, events: Int16(POLLIN), revents: 0)]
        while true {
            watched[0].revents = 0
            watched[1].revents = 0
            if poll(&watched, 2, -1) < 0 {
                if errno == EINTR { continue }
                break
            }
            if watched[0].revents != 0 {
                let n = passOn(&buffer)
                if n > 0 { continue }
                if n == 0 || (errno != EINTR && errno != EAGAIN) { break }  // 0: no writer is left
            }
            if watched[1].revents != 0 {
                _ = fcntl(input, F_SETFL, fcntl(input, F_GETFL) | O_NONBLOCK)
                while passOn(&buffer) > 0 {}
                break
            }
        }
        ended.signal()
    }

    /// Reads once from the pipe, writes it on and keeps it; read's result.
    private func passOn(_ buffer: inout [UInt8]) -> Int {
        let n = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
        guard n > 0 else { return n }
        var written = 0
        while written < n {
            let w = buffer.withUnsafeBytes { write(output, $0.baseAddress! + written, n - written) }
            if w > 0 {
                written += w
            } else if w < 0 && errno == EINTR {
                continue
            } else {
                break  // the real standard error is gone: still keep what came
            }
        }
        kept.withLock { kept in
            kept.append(contentsOf: buffer[0..<n])
            if kept.count > 2 * keep { kept.removeFirst(kept.count - keep) }
        }
        return n
    }
}
