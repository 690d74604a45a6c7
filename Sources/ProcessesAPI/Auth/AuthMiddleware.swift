import Foundation
import HTTPTypes
import OpenAPIRuntime

/// Authorises requests: HTTP Basic with the client's id and secret for the
/// token request, `Bearer <token>` for everything else. A 401 drops the token,
/// fetches a new one and sends the request once more (a 401 means the server
/// did not act on it).
struct AuthMiddleware: ClientMiddleware {
    let credentials: ClientConfiguration.Credentials?
    let tokens: TokenProvider

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        var request = request
        guard let credentials else {
            if APIOperation.isTokenRequest(operationID) { return try await next(request, body, baseURL) }
            throw ProcessesAPIError.missingCredentials
        }
        if APIOperation.isTokenRequest(operationID) {
            let pair = Data("\(credentials.clientID):\(credentials.clientSecret)".utf8).base64EncodedString()
            request.headerFields[.authorization] = "Basic \(pair)"
            return try await next(request, body, baseURL)
        }
        let token = try await tokens.token()
        request.headerFields[.authorization] = "Bearer \(token)"
        let (response, responseBody) = try await next(request, body, baseURL)
        guard response.status.code == 401 else { return (response, responseBody) }
        await tokens.invalidate(token)
        let fresh = try await tokens.token()
        request.headerFields[.authorization] = "Bearer \(fresh)"
        return try await next(request, body, baseURL)
    }
}
