import HTTPTypes
import OpenAPIRuntime
import ProcessesAPI

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
