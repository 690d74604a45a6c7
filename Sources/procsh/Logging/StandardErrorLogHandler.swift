import Bindings
import Foundation
import JSON
import Logging

/// swift-log's handler for procsh: one line per event on standard error,
/// `2026-11-29T12:00:00Z info: message`, or with `json` one JSON object per
/// line, `{"level":"info","message":"...","time":"...",...metadata}`. (Text
/// lines leave the metadata out: procsh's messages already say it.)
struct StandardErrorLogHandler: LogHandler {
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]
    let json: Bool

    init(level: Logger.Level, json: Bool = false) {
        logLevel = level
        self.json = json
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        guard json else {
            StandardError.write("\(Date().formatted(.iso8601)) \(Self.name(event.level)): \(event.message)\n")
            return
        }
        let fields = metadata.merging(event.metadata ?? [:], uniquingKeysWith: { _, new in new })
        StandardError.write(Self.jsonLine(level: event.level, message: "\(event.message)", metadata: fields))
    }

    /// One line of the JSON format, newline included: the metadata, then
    /// `time`, `level` and `message`. procsh writes its own messages (an
    /// uncaught error, a lock held by another run) with it under
    /// `--log-format json`, whatever the log level, so every line it writes
    /// to standard error parses.
    static func jsonLine(level: Logger.Level, message: String, metadata: Logger.Metadata = [:]) -> String {
        var object: [String: JSONValue] = [:]
        for (key, value) in metadata {
            object[key] = json(value)
        }
        object["time"] = .string(Date().formatted(.iso8601))
        object["level"] = .string(name(level))
        object["message"] = .string(message)
        return JSONValue.object(object).encoded() + "\n"
    }

    static func json(_ value: Logger.MetadataValue) -> JSONValue {
        switch value {
        case .string(let s): return .string(s)
        case .stringConvertible(let c): return .string(c.description)
        case .array(let items): return .array(items.map(json))
        case .dictionary(let members): return .object(members.mapValues(json))
        }
    }

    static func name(_ level: Logger.Level) -> String {
        level == .warning ? "warn" : level.rawValue
    }
}
