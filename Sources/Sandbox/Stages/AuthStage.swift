import Foundation
import HTTPTypes
import OpenAPIRuntime
import ProcessesAPI

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
