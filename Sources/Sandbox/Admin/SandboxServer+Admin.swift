import Foundation
import HTTPTypes
import Hummingbird
import JSON

/// `/_sandbox/`: endpoints for tests and demos, not part of Workiva's API. No
/// auth on loopback unless an admin token is set; off loopback one always is.
extension SandboxServer {
    func addAdminRoutes(to router: Router<BasicRequestContext>) {
        let admin = router.group("_sandbox")
        if let token = options.adminToken { admin.add(middleware: AdminTokenMiddleware(token: token)) }
        addStatusRoutes(to: admin)
        // Back to the seed data; issued tokens stay valid.
        admin.post("reset") { _, _ -> Response in
            self.reset()
            return Self.json(["reset": true])
        }
        // The current state in the seed format (a file --seed can load). The
        // clients' secrets only with ?secrets=true, and only on loopback.
        admin.get("state") { request, _ -> Response in
            let withSecrets: Bool
            do throws(SandboxError) {
                withSecrets = try Self.exportsSecrets(query: request.uri.queryParameters.get("secrets"), host: self.options.host)
            } catch {
                return Self.errorResponse(error)
            }
            let encoder = JSONEncoder()
            encoder.userInfo[Seed.omitSecrets] = !withSecrets
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            encoder.dateEncodingStrategy = .iso8601
            return Self.response(try encoder.encode(self.store.export()))
        }
        // The last 1000 requests: time, method, path, status, milliseconds.
        admin.get("requests") { _, _ -> Response in
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            encoder.dateEncodingStrategy = .iso8601
            return Self.response(try encoder.encode(self.requestLog.recent))
        }
        // Counters: requests answered, faults injected by name.
        admin.get("stats") { _, _ -> Response in
            let faults = self.faultCounts.mapValues { JSONValue.integer(Int64($0)) }
            return Self.json([
                "requests": .integer(Int64(self.requestLog.total)), "faults": .object(faults),
                "faultPlan": .string(self.faults.description),
            ])
        }
    }

    /// Whether the state export includes the clients' secrets: only with
    /// `?secrets=true`, and only when the sandbox listens on loopback.
    static func exportsSecrets(query: String?, host: String) throws(SandboxError) -> Bool {
        switch query {
        case nil, "false": return false
        case "true":
            guard isLoopback(host) else {
                throw SandboxError(
                    403, code: "403", message: "the clients' secrets are exported only when the sandbox listens on loopback",
                    target: "secrets")
            }
            return true
        default:
            throw .invalid("invalidRequest", "secrets must be true or false", target: "secrets")
        }
    }

    static func json(_ object: [String: JSONValue]) -> Response {
        response((try? JSONEncoder.sandbox.encode(JSONValue.object(object))) ?? Data("{}".utf8))
    }

    static func errorResponse(_ error: SandboxError) -> Response {
        var headers = HTTPFields(error.headers)
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: .init(code: error.status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: error.body)))
    }

    static func response(_ data: Data) -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
