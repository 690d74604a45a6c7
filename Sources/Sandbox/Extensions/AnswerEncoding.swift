import Foundation
import JSON
import OpenAPIRuntime

/// The fast paths' answers, written as the generated server writes them
/// (compact, keys sorted, dates as its date transcoder gives them) through
/// the models' own Codable conformances, by JSON's ``CompactJSONEncoder``: a
/// large run in a fraction of Foundation's JSONEncoder's time. A value it
/// does not take goes through JSONEncoder, with the server's settings.
enum AnswerEncoding {
    static func bytes<T: Encodable>(of value: T) throws -> [UInt8] {
        let transcoder = SandboxServer.configuration.dateTranscoder
        let encoder = CompactJSONEncoder { value in try (value as? Date).map(transcoder.encode) }
        do {
            return try encoder.encode(value)
        } catch is CompactJSONEncoder.Unsupported {
            let json = JSONEncoder()
            json.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            json.dateEncodingStrategy = .custom { date, encoder in
                var container = encoder.singleValueContainer()
                try container.encode(try transcoder.encode(date))
            }
            return [UInt8](try json.encode(value))
        }
    }
}
