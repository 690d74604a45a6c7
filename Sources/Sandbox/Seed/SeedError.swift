import JSON

/// A seed file that cannot be used, and why.
public struct SeedError: Error, CustomStringConvertible {
    public let path: String
    public let message: String

    public var description: String { "\(path): \(message)" }

    static func `where`(_ path: [any CodingKey]) -> String {
        let text = JSONPath.appending(path, to: "")
        return text.hasPrefix(".") ? String(text.dropFirst()) : (text.isEmpty ? "top level" : text)
    }
}
