import Foundation
import HTTPTypes
import OpenAPIRuntime

/// Reads whole bodies into memory, next to the transport: the request body so
/// it can be sent again, the response body so it can be read twice (decoded,
/// and quoted in an error) and so an endless or oversized answer is cut off.
///
/// The request timeout covers the whole exchange, from sending to the last
/// byte of the answer: the transport's own deadline ends when the headers
/// arrive, and its read timeout only notices silence, so a server trickling a
/// body that never ends would otherwise hold the call forever.
struct BufferingMiddleware: ClientMiddleware {
    let maximumResponseBytes: Int
    /// Seconds for the whole exchange (``ClientConfiguration/requestTimeout``).
    let requestTimeout: Double

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        let started = ContinuousClock.now
        let (response, responseBody) = try await next(request, body, baseURL)
        guard let responseBody else { return (response, nil) }
        let left = Duration.seconds(requestTimeout) - (ContinuousClock.now - started)
        let (status, limit, timeout) = (response.status.code, maximumResponseBytes, requestTimeout)
        let bytes = try await withThrowingTaskGroup(of: [UInt8]?.self) { group in
            group.addTask { try await Self.read(responseBody, status: status, limit: limit) }
            group.addTask {
                try await Task.sleep(for: left)
                return nil
            }
            defer { group.cancelAll() }
            guard case .some(.some(let bytes)) = try await group.next() else {
                throw TransportFailure.timedOut(
                    "the answer (HTTP \(status)) was still arriving when the request timeout of \(RetryMiddleware.seconds(timeout)) passed")
            }
            return bytes
        }
        return (response, HTTPBody(bytes))
    }

    static func read(_ body: HTTPBody, status: Int, limit: Int) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        // Room for the whole answer at once when its length is announced: a
        // large answer is then neither copied as it grows nor held twice.
        if case .known(let length) = body.length, length <= limit { bytes.reserveCapacity(Int(length)) }
        do {
            for try await chunk in body {
                guard bytes.count + chunk.count <= limit else {
                    // Asking again would bring the same answer: not retried, whatever the method.
                    throw ProcessesAPIError(
                        kind: .transport, status: status, code: "invalidResponse",
                        message: "the answer is larger than \(limit) bytes; it was not read", retryable: false)
                }
                bytes += chunk
            }
        } catch let error as ProcessesAPIError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            // The status arrived, the body did not: keep the status, which may say the work was done.
            throw TransportFailure.answerCut(status: status, "the answer (HTTP \(status)) broke off after \(bytes.count) bytes")
        }
        return bytes
    }
}

/// Reads a request body into memory once, so every attempt can send it.
func replayable(_ body: HTTPBody?) async throws -> HTTPBody? {
    guard let body else { return nil }
    if body.iterationBehavior == .multiple { return body }
    return HTTPBody(try await [UInt8](collecting: body, upTo: .max))
}
