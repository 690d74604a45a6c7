#if canImport(Glibc)
import Glibc
#endif
import CLineEdit
import LuaKit

/// The prompt's reader on a terminal: libedit's line editing, a history kept
/// in a file (mode 0600; lines that contain a secret are never saved), and
/// tab completion of Lua names (``Completer``).
public struct EditLineReader: LineReader {
    let history: History?
    /// Texts that must never reach the history (client secrets).
    let secrets: [String]
    var last: [UInt8] = []

    /// A reader, or nil when libedit cannot be loaded (then `why` says why).
    public init?(historyFile: String?, secrets: [String], completer: Completer, why: inout String) {
        var reason: UnsafePointer<CChar>? = nil
        guard le_open(&reason) != 0 else {
            why = reason.map { String(cString: $0) } ?? "libedit cannot be loaded"
            return nil
        }
        self.secrets = secrets.filter { $0.count >= 4 }
        Completer.current = completer
        le_set_completer { line, word in
            guard let line, let word, let completer = Completer.current else { return nil }
            return Completer.cArray(completer.candidates(line: String(cString: line), word: String(cString: word)))
        }
        history = historyFile.map(History.init(path:))
        for entry in history?.load() ?? [] {
            entry.withUnsafeBufferPointer { le_add_history(String(decoding: $0, as: UTF8.self)) }
        }
    }

    public mutating func readLine(prompt: String) -> LineInput {
        LuaStreams.flushOutput()
        var interrupted: Int32 = 0
        guard let line = le_readline(prompt, &interrupted) else {
            if interrupted != 0 {
                Console.writeLine()
                return .interrupted
            }
            return .end
        }
        defer { free(line) }
        return .line(Array(UnsafeRawBufferPointer(start: line, count: strlen(line))))
    }

    public mutating func remember(_ line: [UInt8]) {
        guard !line.isEmpty, line != last else { return }
        let text = String(decoding: line, as: UTF8.self)
        guard !secrets.contains(where: { text.contains($0) }) else { return }
        last = line
        le_add_history(text)
        history?.append(line)
    }
}

/// The history file: one entry per line, `\` and newlines escaped (`\\`,
/// `\n`), so a multi-line statement comes back whole. Created with mode 0600.
public struct History {
    let path: String
    /// Entries loaded at start (the newest ones).
    static let limit = 1000

    func load() -> [[UInt8]] {
        guard let file = fopen(path, "r") else { return [] }
        defer { fclose(file) }
        var entries: [[UInt8]] = []
        var buffer: UnsafeMutablePointer<CChar>? = nil
        var capacity = 0
        defer { free(buffer) }
        while getline(&buffer, &capacity, file) > 0, let buffer {
            var bytes = Array(UnsafeRawBufferPointer(start: buffer, count: strlen(buffer)))
            if bytes.last == 10 { bytes.removeLast() }
            entries.append(Self.unescape(bytes))
        }
        return Array(entries.suffix(Self.limit))
    }

    func append(_ entry: [UInt8]) {
        let directory = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
        makeDirectories(directory)
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return }
        defer { close(fd) }
        fchmod(fd, 0o600)  // also an older file made with other permissions
        let bytes = Self.escape(entry) + [10]
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }

    /// `mkdir -p` with mode 0700 for what it creates.
    private func makeDirectories(_ directory: String) {
        guard !directory.isEmpty, access(directory, F_OK) != 0 else { return }
        makeDirectories(String(directory[..<(directory.lastIndex(of: "/") ?? directory.startIndex)]))
        mkdir(directory, 0o700)
    }

    static func escape(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        for b in bytes {
            switch b {
            case 92: out += [92, 92]
            case 10: out += [92, 110]
            default: out.append(b)
            }
        }
        return out
    }

    static func unescape(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var escaped = false
        for b in bytes {
            if escaped {
                out.append(b == 110 ? 10 : b)
                escaped = false
            } else if b == 92 {
                escaped = true
            } else {
                out.append(b)
            }
        }
        return out
    }

    /// `$XDG_STATE_HOME/procsh/history`, by default `~/.local/state/procsh/history`.
    public static func defaultPath(_ environment: (String) -> String?) -> String? {
        if let xdg = environment("XDG_STATE_HOME"), xdg.hasPrefix("/") { return xdg + "/procsh/history" }
        guard let home = environment("HOME"), !home.isEmpty else { return nil }
        return home + "/.local/state/procsh/history"
    }
}
