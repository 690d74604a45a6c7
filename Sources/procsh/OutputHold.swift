#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LuaKit

/// `--quiet-on-success`, as moreutils' chronic: the run's standard output and
/// standard error go to unlinked temporary files, and when the run ends they
/// are copied to the real ones if its exit status is not 0, and dropped if it
/// is. Each stream keeps its own order. A run killed by a signal loses what
/// was held.
enum OutputHold {
    /// The real streams (duplicated) and the files holding each, while held.
    nonisolated(unsafe) private static var held: (output: Int32, error: Int32, heldOutput: Int32, heldError: Int32)?

    /// Whether the output is held now.
    static var isHolding: Bool { held != nil }

    /// Starts holding; nil when it cannot (the reason), so the run goes on unheld.
    static func start() -> String? {
        flushAll()
        guard let heldOutput = temporaryFile(), let heldError = temporaryFile() else {
            return "--quiet-on-success: cannot create a temporary file in \(temporaryDirectory) (\(String(cString: strerror(errno))))"
        }
        let output = dup(1)
        let error = dup(2)
        guard output >= 0, error >= 0, dup2(heldOutput, 1) >= 0, dup2(heldError, 2) >= 0 else {
            return "--quiet-on-success: cannot redirect the output (\(String(cString: strerror(errno))))"
        }
        held = (output, error, heldOutput, heldError)
        return nil
    }

    /// Ends holding: the held output goes to the real streams when `status` is not 0.
    static func finish(status: Int32) {
        guard let streams = held else { return }
        held = nil
        flushAll()
        _ = dup2(streams.output, 1)
        _ = dup2(streams.error, 2)
        if status != 0 {
            copy(streams.heldOutput, to: 1)
            copy(streams.heldError, to: 2)
        }
        for fd in [streams.output, streams.error, streams.heldOutput, streams.heldError] { close(fd) }
    }

    /// The last `count` bytes (or fewer) of the standard error held so far;
    /// nil when nothing is held.
    static func heldErrorTail(_ count: Int) -> [UInt8]? {
        guard let streams = held else { return nil }
        fflush(LuaStreams.error)
        var info = stat()
        guard fstat(streams.heldError, &info) == 0 else { return [] }
        let start = max(0, Int(info.st_size) - count)
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size) - start)
        let n = bytes.withUnsafeMutableBytes { pread(streams.heldError, $0.baseAddress, $0.count, off_t(start)) }
        return Array(bytes.prefix(max(0, n)))
    }

    private static var temporaryDirectory: String {
        getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
    }

    private static func temporaryFile() -> Int32? {
        var template = Array((temporaryDirectory + "/procsh-held-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { return nil }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        return fd
    }

    private static func copy(_ from: Int32, to: Int32) {
        _ = lseek(from, 0, SEEK_SET)
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(from, $0.baseAddress, $0.count) }
            guard n > 0 else { return }
            var written = 0
            while written < n {
                let w = buffer.withUnsafeBytes { write(to, $0.baseAddress! + written, n - written) }
                guard w > 0 else { return }
                written += w
            }
        }
    }

    private static func flushAll() {
        LuaStreams.flushOutput()
        fflush(LuaStreams.error)
    }
}
