import Foundation
import HTTPTypes
import OpenAPIRuntime

/// Takes a token from the shared bucket before each attempt goes out.
struct RateLimitMiddleware: ClientMiddleware {
    let limiter: RateLimiter

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        try await limiter.acquire()
        return try await next(request, body, baseURL)
    }
}
