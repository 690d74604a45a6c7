import Foundation
import OpenAPIRuntime

/// Reads `date-time` values with or without fractional seconds (Workiva's
/// documentation shows neither form for sure; the runtime's default accepts
/// only whole seconds) and writes them without.
struct LenientISO8601DateTranscoder: DateTranscoder {
    private static let whole = Date.ISO8601FormatStyle()
    private static let fractional = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    func encode(_ date: Date) throws -> String {
        Self.whole.format(date)
    }

    func decode(_ string: String) throws -> Date {
        if let date = try? Self.whole.parse(string) { return date }
        if let date = try? Self.fractional.parse(string) { return date }
        throw DecodingError.dataCorrupted(
            .init(codingPath: [], debugDescription: "'\(string)' is not an ISO 8601 date-time"))
    }
}
