import Foundation
import HTTPTypes
import JSON
import OpenAPIRuntime
import ProcessesAPI
import Synchronization

/// The signature every stage shares.
typealias NextStage = @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)

/// Outermost: renders every failure as the API's error document, so nothing
/// escapes as a bare 500. Decoding failures of the generated server become 400
/// with the offending field as `target`.
struct ErrorStage: ServerMiddleware {
    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String, next: NextStage
    ) async throws -> (HTTPResponse, HTTPBody?) {
        do {
            return try await next(request, body, metadata)
        } catch {
            return Self.render(Self.sandboxError(for: error, operationID: operationID))
        }
    }

    static func render(_ error: SandboxError) -> (HTTPResponse, HTTPBody?) {
        var response = HTTPResponse(status: .init(code: error.status))
        response.headerFields = error.headers
        response.headerFields[.contentType] = "application/json; charset=utf-8"
        return (response, HTTPBody(error.body))
    }

    /// The answer for whatever a later stage or the generated server threw.
    static func sandboxError(for error: any Error, operationID: String) -> SandboxError {
        var inner: any Error = error
        var cause = ""
        while let server = inner as? ServerError {
            cause = server.causeDescription
            inner = server.underlyingError
        }
        if let sandbox = inner as? SandboxError { return sandbox }
        let isToken = APIOperation.isTokenRequest(operationID)
        if let decoding = inner as? DecodingError {
            let (target, message) = describe(decoding)
            if isToken {
                let grant = target.contains("grant_type")
                return .oauth(400, grant ? "unsupported_grant_type" : "invalid_request", message)
            }
            return .invalid("invalidRequest", message, target: target)
        }
        if !cause.isEmpty, !(inner is CancellationError) {
            // The runtime's own checks (a missing required parameter, a wrong content type).
            let detail = "\(inner)"
            let message = detail.isEmpty || detail == cause ? cause : "\(cause): \(detail)"
            return isToken ? .oauth(400, "invalid_request", message) : .invalid("invalidRequest", message, target: nil)
        }
        return SandboxError(500, code: "500", message: "unknown error")
    }

    /// Where a decoding error happened, as a target, and what it was, in words.
    static func describe(_ error: DecodingError) -> (String, String) {
        func target(_ path: [any CodingKey]) -> String {
            guard let first = path.first else { return "body" }
            if first.intValue == nil, queryNames.contains(first.stringValue) { return first.stringValue }
            return JSONPath.appending(path, to: "body")
        }
        switch error {
        case .keyNotFound(let key, let context):
            let at = target(context.codingPath)
            return (JSONPath.member(at, key.stringValue), "missing required field \"\(key.stringValue)\" in \(at)")
        case .typeMismatch(let type, let context):
            return (target(context.codingPath), "\(target(context.codingPath)): expected \(typeName(type)); \(context.debugDescription)")
        case .valueNotFound(let type, let context):
            return (target(context.codingPath), "\(target(context.codingPath)): expected \(typeName(type)), found null")
        case .dataCorrupted(let context):
            var at = target(context.codingPath)
            // An enum value the schema does not list: "Cannot initialize BeforePayload from invalid String value maybe".
            if let match = context.debugDescription.wholeMatch(of: /Cannot initialize (\w+) from invalid \w+ value (.*)/) {
                if context.codingPath.isEmpty {
                    let name = String(match.1.replacing("Payload", with: ""))
                    let parameter = name.prefix(1).lowercased() + name.dropFirst()
                    if queryNames.contains(parameter) { at = parameter }
                }
                return (at, "\(at): \"\(match.2)\" is not one of the values the API allows here")
            }
            if context.debugDescription.hasPrefix("Additional properties are disabled"), let key = context.codingPath.last {
                return (at, "unknown field \"\(key.stringValue)\" in \(target(context.codingPath.dropLast())): the schema does not allow it")
            }
            return (at, "\(at): \(context.debugDescription)")
        @unknown default:
            return ("body", "\(error)")
        }
    }

    /// The names a query or a form has in openapi.yaml: every operation's query
    /// parameters and the token request's form fields.
    static let queryNames: Set<String> = Set(
        APIOperation.all.flatMap { operation in
            operation.parameters.filter { $0.location == .query }.map(\.name)
                + (operation.body?.content == .form ? APIObjectSchema.memberNames(of: operation.body!.schema) : [])
        })

    static func typeName(_ type: Any.Type) -> String {
        let name = "\(type)"
        if name.hasPrefix("Array") { return "an array" }
        if name.hasPrefix("Dictionary") || name.contains("Components.Schemas") { return "an object" }
        if name == "String" { return "a string" }
        if name == "Bool" { return "a boolean" }
        if name.hasPrefix("Int") || name == "Double" { return "a number" }
        return name
    }
}

/// Every operation needs `X-Version: 2026-04-01.processes.preview`; the token
/// request may leave it out (Workiva's IAM documents none there), but not send another.
struct VersionStage: ServerMiddleware {
    static let header = HTTPField.Name("X-Version")!

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String, next: NextStage
    ) async throws -> (HTTPResponse, HTTPBody?) {
        let value = request.headerFields[Self.header]
        guard value == APIVersion.current else {
            if APIOperation.isTokenRequest(operationID) {  // the token endpoint answers in OAuth's shape
                guard let value else { return try await next(request, body, metadata) }
                throw SandboxError.oauth(
                    400, "invalid_request", "X-Version \(value) is not served here: send X-Version: \(APIVersion.current) or none")
            }
            throw SandboxError.invalid(
                "invalidVersion",
                value == nil
                    ? "the X-Version header is required: send X-Version: \(APIVersion.current) (without it, Workiva serves version 2022-01-01, where this path does not exist)"
                    : "X-Version \(value!) is not served here: send X-Version: \(APIVersion.current)",
                target: "X-Version")
        }
        return try await next(request, body, metadata)
    }
}

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

/// A JSON request body as BodyStage read it, for the stages after it.
enum ParsedBody {
    @TaskLocal static var json: JSONValue?
}

extension JSONValue {
    /// Whether a `null` is anywhere inside this value.
    var containsNull: Bool {
        switch self {
        case .null: return true
        case .array(let items): return items.contains { $0.containsNull }
        case .object(let members): return members.values.contains { $0.containsNull }
        default: return false
        }
    }

    /// The path of the first `null` inside this value (object members in key order), if any.
    func firstNull(at path: String) -> String? {
        guard containsNull else { return nil }  // the usual case, without sorting keys
        switch self {
        case .null:
            return path
        case .array(let items):
            for (i, item) in items.enumerated() {
                if let found = item.firstNull(at: JSONPath.item(path, i)) { return found }
            }
            return nil
        case .object(let members):
            for key in members.keys.sorted() {
                if let found = members[key]!.firstNull(at: JSONPath.member(path, key)) { return found }
            }
            return nil
        default:
            return nil
        }
    }
}

/// Bearer tokens and scopes for the API; HTTP Basic for the token request.
/// Then the per-client rate limit.
struct AuthStage: ServerMiddleware {

    let tokens: TokenBook
    let limits: ClientRateLimits

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String, next: NextStage
    ) async throws -> (HTTPResponse, HTTPBody?) {
        let authorization = request.headerFields[.authorization] ?? ""
        if APIOperation.isTokenRequest(operationID) {
            var caller = Caller()
            if authorization.lowercased().hasPrefix("basic ") {
                guard let decoded = Data(base64Encoded: String(authorization.dropFirst(6).trimmingOptionalWhitespace)),
                    let text = String(data: decoded, encoding: .utf8), let colon = text.firstIndex(of: ":")
                else {
                    throw SandboxError.oauth(401, "invalid_client", "Client authentication failed: malformed Basic credentials")
                }
                caller.basic = (String(text[..<colon]), String(text[text.index(after: colon)...]))
                try limits.take(client: caller.basic!.id, operationID: operationID)
            }
            return try await Caller.$current.withValue(caller) { try await next(request, body, metadata) }
        }
        guard authorization.lowercased().hasPrefix("bearer "),
            let grant = tokens.grant(for: String(authorization.dropFirst(7).trimmingOptionalWhitespace))
        else {
            throw SandboxError.unauthorized
        }
        // The scope openapi.yaml gives the operation (an unknown one needs the widest).
        let needed = APIOperation.named(operationID)?.scope ?? "file:write"
        guard grant.scopes.contains(needed) else { throw SandboxError.forbidden }
        try limits.take(client: grant.clientID, operationID: operationID)
        return try await Caller.$current.withValue(Caller(clientID: grant.clientID)) { try await next(request, body, metadata) }
    }
}

/// The per-client limit: at most `limit` requests in each 60-second window.
final class ClientRateLimits: Sendable {
    static let window: TimeInterval = 60
    let limit: Int
    private let windows = Mutex<[String: (start: Date, count: Int)]>([:])

    init(limit: Int) {
        self.limit = limit
    }

    /// Counts a request, or throws the documented 429.
    func take(client: String, operationID: String, now: Date = Date()) throws(SandboxError) {
        let retryIn: Int? = windows.withLock { windows in
            var w = windows[client] ?? (now, 0)
            if now.timeIntervalSince(w.start) >= Self.window { w = (now, 0) }
            if w.count >= limit {
                windows[client] = w
                return max(1, Int((w.start.addingTimeInterval(Self.window).timeIntervalSince(now)).rounded(.up)))
            }
            w.count += 1
            windows[client] = w
            return nil
        }
        if let retryIn {
            var error = SandboxError(
                429, code: "429",
                message: "Rate limit of \(limit) per 60 seconds exceeded for \(operationID) requests. Retry request in \(retryIn) seconds.")
            error.headers[.retryAfter] = String(retryIn)
            throw error
        }
    }

    func reset() {
        windows.withLock { $0 = [:] }
    }
}

/// Injects the faults of ``FaultPlan``.
struct FaultStage: ServerMiddleware {
    let injector: FaultInjector

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String, next: NextStage
    ) async throws -> (HTTPResponse, HTTPBody?) {
        // The token endpoint is left alone: faults test how clients handle API calls.
        if APIOperation.isTokenRequest(operationID) { return try await next(request, body, metadata) }
        if injector.plan.latency > 0 { try await Task.sleep(for: .seconds(injector.plan.latency)) }
        guard let fault = injector.draw(for: operationID) else { return try await next(request, body, metadata) }
        switch fault {
        case .serviceUnavailable:
            var error = SandboxError(503, code: "503", message: "Service Unavailable.")
            error.headers[.retryAfter] = "1"
            throw error
        case .tooManyRequests:
            var error = SandboxError(429, code: "429", message: "Rate limit exceeded for \(operationID) requests (injected fault). Retry request in 1 seconds.")
            error.headers[.retryAfter] = "1"
            throw error
        case .serverError:
            throw SandboxError(500, code: "500", message: "unknown error")
        case .reset:
            // Nothing was done, so the answer that breaks off is no success.
            return Self.brokenResponse(status: .internalServerError)
        case .serverErrorAfterCommit:
            _ = try await next(request, body, metadata)
            throw SandboxError(500, code: "500", message: "unknown error")
        case .resetAfterCommit:
            _ = try await next(request, body, metadata)
            return Self.brokenResponse(status: .created)
        }
    }

    /// An answer that promises 64 bytes, sends 8, and then breaks the
    /// connection. Its status is true to what was done: 201 after the work,
    /// 500 when nothing was done.
    static func brokenResponse(status: HTTPResponse.Status) -> (HTTPResponse, HTTPBody?) {
        let stream = AsyncThrowingStream<ArraySlice<UInt8>, any Error> { continuation in
            continuation.yield(ArraySlice("[{\"id\":".utf8))
            continuation.finish(throwing: CancellationError())
        }
        var response = HTTPResponse(status: status)
        response.headerFields[.contentType] = "application/json"
        return (response, HTTPBody(stream, length: .known(64), iterationBehavior: .single))
    }
}
