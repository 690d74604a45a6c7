import Foundation
import Logging

/// swift-log's handler for procsh: one line per event on standard error,
/// `2026-11-29T12:00:00Z info: message`. (Metadata repeats what procsh's
/// messages already say; it is for structured logs.)
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
        StandardError.write("\(Date().formatted(.iso8601)) \(Self.name(event.level)): \(event.message)\n")
    }

    static func name(_ level: Logger.Level) -> String {
        level == .warning ? "warn" : level.rawValue
    }
}
