import HTTPTypes
import OpenAPIRuntime
import ProcessesAPI

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
