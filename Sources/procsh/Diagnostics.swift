import Bindings
import Foundation
import Logging
import LuaKit
import ProcessesAPI
import REPL

/// How procsh writes its own messages to standard error: as lua.c does
/// (`procsh: message`, an uncaught error's traceback on the lines after it),
/// or under `--log-format json` as one JSON object per line, as the log
/// writes, so a log pipeline can parse every line procsh writes (what a
/// script writes itself with `io.stderr:write` aside).
struct Diagnostics {
    let progname: String
    var json = false
    /// The settings' `--log-level`: which of the messages below the errors are written.
    var level = Logger.Level.info

    /// One message of procsh's own: `progname: message`.
    func error(_ message: String, metadata: Logger.Metadata = [:]) {
        write(.error, message, metadata: metadata)
    }

    /// A notice that does not stop the run (`no line editing`, a ping that
    /// failed); left out under `--quiet` and `--log-level error`.
    func warning(_ message: String, metadata: Logger.Metadata = [:]) {
        guard level <= .warning else { return }
        write(.warning, message, metadata: metadata)
    }

    /// What procsh does that a person looking into a run may want to know
    /// (how long `--jitter` waits), under `--log-level debug`.
    func debug(_ message: String, metadata: Logger.Metadata = [:]) {
        guard level <= .debug else { return }
        write(.debug, message, metadata: metadata)
    }

    /// One write per message: a message from another thread (a ping's) never
    /// lands inside the script's lines.
    private func write(_ level: Logger.Level, _ message: String, metadata: Logger.Metadata = [:]) {
        if json {
            Console.writeError(StandardErrorLogHandler.jsonLine(level: level, message: message, metadata: metadata))
        } else {
            Console.writeError("\(progname): \(message)\n")
        }
    }

    /// lua.c's `report`: if `status` is an error, prints the message on top
    /// of the stack (with its traceback, when it has one) and pops it. In
    /// JSON, the traceback is a list of frames, and an error table's fields
    /// and the run's exit status go with it. `showingName` false: no name in
    /// front of the text (the prompt's errors, as lua.c).
    @discardableResult
    func report(
        _ stack: LuaStack, status: Int32, showingName: Bool = true, error: ScriptError? = nil, exitStatus: Int32? = nil
    ) -> Int32 {
        guard json else { return Console.report(stack, status: status, progname: showingName ? progname : nil) }
        guard status != LuaStatus.ok else { return status }
        let (message, frames) = Self.split(stack.errorMessage(at: -1))
        stack.pop()
        var metadata: Logger.Metadata = [:]
        if !frames.isEmpty { metadata["traceback"] = .array(frames.map { .string($0) }) }
        if let exitStatus { metadata["exitStatus"] = "\(exitStatus)" }
        if let script = error {
            let error = script.error
            metadata["kind"] = .string(script.kind.rawValue)
            if let status = error.status { metadata["status"] = "\(status)" }
            if let code = error.code { metadata["code"] = .string(code) }
            if let field = script.field { metadata["field"] = .string(field) }
            if let request = error.request { metadata["request"] = .string(request.description) }
        }
        Console.writeError(StandardErrorLogHandler.jsonLine(level: .error, message: message, metadata: metadata))
        return status
    }

    /// An error's text split into its message and the frames of the
    /// traceback the message handler appended (`stack traceback:` and the
    /// tab-indented lines after it; the last such header: a message may
    /// quote an earlier traceback).
    static func split(_ text: String) -> (message: String, frames: [String]) {
        guard let header = text.range(of: "\nstack traceback:\n", options: .backwards) else { return (text, []) }
        let frames = text[header.upperBound...].split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasPrefix("\t") ? String($0.dropFirst()) : String($0)
        }
        return (String(text[..<header.lowerBound]), frames)
    }

    /// The format procsh's messages take before the settings are resolved:
    /// `--log-format` if given so far, else `PROCSH_LOG_FORMAT`.
    static func prefersJSON(_ options: RunOptions, environment: (String) -> String?) -> Bool {
        if let format = options.logFormat { return format == .json }
        return environment("PROCSH_LOG_FORMAT").flatMap { try? Parse.logFormat($0) } == .json
    }
}
