#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LuaKit

/// One read from a line reader.
public enum LineInput: Equatable {
    case line([UInt8])
    /// Ctrl-C: the line (and a statement being continued) is dropped.
    case interrupted
    case end
}

/// Where the prompt gets its lines.
public protocol LineReader {
    /// Shows `prompt` and reads one line (without its newline).
    mutating func readLine(prompt: String) -> LineInput
    /// Remembers a complete input in the history, if the reader keeps one.
    mutating func remember(_ line: [UInt8])
}

extension LineReader {
    public mutating func remember(_ line: [UInt8]) {}
}

/// lua.c's reader without readline: prints the prompt on stdout (also when
/// stdin is not a terminal) and reads a line from C's stdin, so input a script
/// reads with `io.read` and input the prompt reads come from one buffer.
public struct PlainLineReader: LineReader {
    public init() {}

    public mutating func readLine(prompt: String) -> LineInput {
        LuaStreams.write(prompt)
        LuaStreams.flushOutput()
        var buffer: UnsafeMutablePointer<CChar>? = nil
        var capacity = 0
        defer { free(buffer) }
        let count = getline(&buffer, &capacity, LuaStreams.input)
        guard count >= 0, let buffer else { return .end }
        var length = count
        if length > 0 && buffer[length - 1] == 10 { length -= 1 }  // drop the newline
        return .line(Array(UnsafeRawBufferPointer(start: buffer, count: length)))
    }
}
