import HTTPTypes
import OpenAPIRuntime
import ProcessesAPI

/// Keeps the encoded answer of a getProcessRun until the store changes, so a
/// run read again and again (a script polling it, a benchmark) is encoded once.
/// What a client sees is unchanged: an answer is reused only at the store
/// revision it was read at (``SandboxStore/revision``).
struct ReadCacheStage: ServerMiddleware {
    let store: SandboxStore
    let cache: ResponseCache

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String, next: NextStage
    ) async throws -> (HTTPResponse, HTTPBody?) {
        guard operationID == APIOperation.getProcessRun.id, request.method == .get else { return try await next(request, body, metadata) }
        let key = request.path ?? ""
        let revision = store.revision
        if let hit = cache.answer(for: key, at: revision) { return (hit.response, HTTPBody(hit.body)) }
        let (response, responseBody) = try await next(request, body, metadata)
        guard response.status == .ok, let responseBody else { return (response, responseBody) }
        let bytes = try await [UInt8](collecting: responseBody, upTo: .max)
        if store.revision == revision {  // nothing changed while it was read
            cache.keep(.init(revision: revision, response: response, body: bytes), for: key)
        }
        return (response, HTTPBody(bytes))
    }
}
