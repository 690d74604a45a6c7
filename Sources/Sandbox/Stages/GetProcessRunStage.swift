import HTTPTypes
import OpenAPIRuntime
import ProcessesAPI

/// getProcessRun without Foundation's JSONEncoder: the store's answer is
/// written by ``AnswerEncoding`` (a run of 100,000 job runs is 29 MB of
/// JSON). It takes a path and query with nothing to decode; anything else
/// goes on to the generated server, which stays the reference (tests compare
/// the two paths' bytes).
struct GetProcessRunStage: ServerMiddleware {
    static let operation = APIOperation.getProcessRun
    let store: SandboxStore

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String, next: NextStage
    ) async throws -> (HTTPResponse, HTTPBody?) {
        let exclude = GetProcessRunQuery.excludeGeneratedJobs.rawValue
        guard operationID == Self.operation.id, request.method == Self.operation.method,
            let target = PlainTarget(request.path ?? "", of: Self.operation, queryNames: [exclude]),
            let runID = target.pathValues.first, let excluding = Self.flag(target.query[exclude])
        else { return try await next(request, body, metadata) }
        let run = try store.processRun(id: runID, excludingGenerated: excluding)
        var response = HTTPResponse(status: .ok)
        response.headerFields[.contentType] = "application/json; charset=utf-8"
        return (response, HTTPBody(try AnswerEncoding.bytes(of: run)))
    }

    /// `true`, `false` or absent (false); any other value is the generated server's to refuse.
    static func flag(_ value: String?) -> Bool? {
        switch value {
        case nil, "false": return false
        case "true": return true
        default: return nil
        }
    }
}
