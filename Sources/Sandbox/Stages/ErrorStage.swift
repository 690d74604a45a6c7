import Foundation
import HTTPTypes
import JSON
import OpenAPIRuntime
import ProcessesAPI

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
