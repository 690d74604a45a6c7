import HTTPTypes
import JSON
import OpenAPIRuntime

/// Bodies up to 10 MB (larger: 413), read whole; an empty body without a
/// content type counts as no body (runProcess takes an optional one).
struct BodyStage: ServerMiddleware {
    static let limit = 10 * 1024 * 1024

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String, next: NextStage
    ) async throws -> (HTTPResponse, HTTPBody?) {
        let tooLarge = SandboxError(413, code: "413", message: "The request body is larger than the limit of 10 MB.", target: "body")
        if let length = request.headerFields[.contentLength].flatMap(Int.init), length > Self.limit { throw tooLarge }
        guard let body else { return try await next(request, nil, metadata) }
        var bytes: [UInt8] = []
        for try await chunk in body {
            guard bytes.count + chunk.count <= Self.limit else { throw tooLarge }
            bytes += chunk
        }
        if bytes.isEmpty && request.headerFields[.contentType] == nil {
            return try await next(request, nil, metadata)
        }
        guard !bytes.isEmpty, Self.isJSON(request.headerFields[.contentType]) else {
            return try await next(request, HTTPBody(bytes), metadata)
        }
        let document: JSONValue
        do {
            document = try JSONValue(parsing: bytes, rejectingDuplicateKeys: true)
        } catch {
            guard error.isDuplicateKey else { return try await next(request, HTTPBody(bytes), metadata) }  // the generated server's error
            throw SandboxError.invalid("invalidRequest", "body: \(error)", target: "body")
        }
        // No request schema of openapi.yaml allows null: a member is given or left out.
        if let path = document.firstNull(at: "body").map(JSONPath.shortened) {
            throw SandboxError.invalid("invalidRequest", "\(path): null is not allowed; leave the member out instead", target: path)
        }
        do {
            return try await ParsedBody.$json.withValue(document) { try await next(request, HTTPBody(bytes), metadata) }
        } catch {
            // A misspelt member: named as the client names it, rather than the missing one.
            if let misspelt = Misspelling.error(for: error, document: document, operationID: operationID) { throw misspelt }
            throw error
        }
    }
}

extension BodyStage {
    /// Whether a Content-Type is JSON (`application/json`, any parameters, any case).
    static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let type = contentType.utf8.prefix { $0 != UInt8(ascii: ";") }
        let trimmed = type.drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
            .reversed().drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }.reversed()
        // ASCII case folding: media types are case-insensitive (RFC 9110).
        let lower = { (c: UInt8) in (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(c) ? c | 0x20 : c }
        return trimmed.count == 16 && zip(trimmed, "application/json".utf8).allSatisfy { lower($0) == $1 }
    }
}
