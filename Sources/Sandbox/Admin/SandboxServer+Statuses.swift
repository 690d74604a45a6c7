import Foundation
import Hummingbird
import JSON

/// `POST /_sandbox/jobRuns/{id}/status` with `{"status": "complete"}`: moves a
/// job run's status, so that scripts and tests can watch a run progress.
/// Admin only (no auth), not part of Workiva's API.
extension SandboxServer {
    func addStatusRoutes(to admin: RouterGroup<BasicRequestContext>) {
        admin.post("jobRuns/:id/status") { request, context -> Response in
            let id = context.parameters.get("id") ?? ""
            let bytes = try await request.body.collect(upTo: 1 << 16)
            do throws(SandboxError) {
                let status = try Self.status(in: String(buffer: bytes))
                let (runID, runStatus) = try self.store.setJobRunStatus(id: id, status: status)
                return Self.json([
                    "id": .string(id), "status": .string(status),
                    "processRun": .object(["id": .string(runID), "status": .string(runStatus)]),
                ])
            } catch {
                return Response(
                    status: .init(code: error.status), headers: [.contentType: "application/json; charset=utf-8"],
                    body: .init(byteBuffer: ByteBuffer(bytes: error.body)))
            }
        }
    }

    /// The `status` of a body `{"status": "..."}`.
    static func status(in body: String) throws(SandboxError) -> String {
        guard let value = try? JSONValue(parsing: body), let object = value.objectValue else {
            throw .invalid("invalidBody", "the body must be a JSON object such as {\"status\": \"complete\"}", target: "body")
        }
        guard let status = object["status"]?.stringValue else {
            throw .invalid("invalidBody", "the body needs a string \"status\", such as {\"status\": \"complete\"}", target: "status")
        }
        return status
    }
}
