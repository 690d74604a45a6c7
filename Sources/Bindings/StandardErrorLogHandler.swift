import Foundation
import Logging

/// swift-log's handler for procsh: one line per event on standard error,
/// `2026-11-29T12:00:00Z info: message key=value`.
public struct StandardErrorLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]

    public init(level: Logger.Level) {
        logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var line = "\(Date().formatted(.iso8601)) \(Self.name(event.level)): \(event.message)"
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        for key in merged.keys.sorted() {
            line += " \(key)=\(merged[key]!)"
        }
        StandardError.write(line + "\n")
    }

    static func name(_ level: Logger.Level) -> String {
        level == .warning ? "warn" : level.rawValue
    }
}
