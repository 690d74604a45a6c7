#if canImport(Glibc)
import Glibc
#endif
import Bindings
import Foundation

/// `--lock FILE`: an exclusive flock held for the whole run, so two runs of the
/// same cron job never overlap. The file keeps the holder's pid for messages.
/// The lock goes with the process: nothing to clean up after a crash.
enum RunLock {
    struct Failure: Error {
        let message: String
        let status: Int32
    }

    /// Takes the lock, waiting up to `wait` seconds (0: not at all). The file
    /// descriptor stays open, and the lock held, until the process ends.
    static func acquire(_ path: String, wait: Double) throws(Failure) {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw Failure(message: "--lock \(path): \(String(cString: strerror(errno)))", status: ExitStatus.usage)
        }
        var waited = 0.0
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                throw Failure(message: "--lock \(path): \(String(cString: strerror(errno)))", status: ExitStatus.usage)
            }
            if waited >= wait {
                let holder = readHolder(fd).map { " (pid \($0))" } ?? ""
                let how = wait > 0 ? "still held after waiting \(Seconds.text(wait))" : "held by another run"
                throw Failure(
                    message: "--lock \(path): \(how)\(holder); not running.\(wait > 0 ? "" : " (--lock-wait SECONDS waits for it)")",
                    status: ExitStatus.temporaryFailure)
            }
            usleep(50_000)
            waited += 0.05
        }
        ftruncate(fd, 0)
        let pid = "\(getpid())\n"
        _ = pwrite(fd, pid, pid.utf8.count, 0)
    }

    /// The pid the holder wrote into the file, if any.
    static func readHolder(_ fd: Int32) -> String? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let n = pread(fd, &buffer, buffer.count, 0)
        guard n > 0 else { return nil }
        let text = String(decoding: buffer[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return Int(text) != nil ? text : nil
    }
}
