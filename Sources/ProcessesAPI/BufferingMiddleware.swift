import Foundation
import HTTPTypes
import OpenAPIRuntime

/// Reads whole bodies into memory, next to the transport: the request body so
/// it can be sent again, the response body so it can be read twice (decoded,
/// and quoted in an error) and so an endless or oversized answer is cut off.
struct BufferingMiddleware: ClientMiddleware {
    let maximumResponseBytes: Int

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        let (response, responseBody) = try await next(request, body, baseURL)
        guard let responseBody else { return (response, nil) }
        var bytes: [UInt8] = []
        for try await chunk in responseBody {
            guard bytes.count + chunk.count <= maximumResponseBytes else {
                throw TransportFailure.outcomeUnknown(
                    "the answer (HTTP \(response.status.code)) is larger than \(maximumResponseBytes) bytes; it was not read")
            }
            bytes += chunk
        }
        return (response, HTTPBody(bytes))
    }
}

/// Reads a request body into memory once, so every attempt can send it.
func replayable(_ body: HTTPBody?) async throws -> HTTPBody? {
    guard let body else { return nil }
    if body.iterationBehavior == .multiple { return body }
    return HTTPBody(try await [UInt8](collecting: body, upTo: .max))
}
