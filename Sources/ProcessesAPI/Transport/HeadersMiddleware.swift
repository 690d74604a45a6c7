import Foundation
import HTTPTypes
import OpenAPIRuntime

/// Adds `User-Agent` to every request. (`X-Version` is a parameter of every
/// operation in openapi.yaml, so the generated client sends it.)
struct HeadersMiddleware: ClientMiddleware {
    let userAgent: String

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        var request = request
        request.headerFields[.userAgent] = userAgent
        return try await next(request, body, baseURL)
    }
}
