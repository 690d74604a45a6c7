import Foundation
import Hummingbird
import JSON

/// `/_sandbox/`: endpoints for tests and demos, not part of Workiva's API (no auth).
extension SandboxServer {
    func addAdminRoutes(to router: Router<BasicRequestContext>) {
        let admin = router.group("_sandbox")
        // Back to the seed data; issued tokens stay valid.
        admin.post("reset") { _, _ -> Response in
            self.reset()
            return Self.json(["reset": true])
        }
        // The current state in the seed format (a file --seed can load).
        admin.get("state") { _, _ -> Response in
            let encoder = JSONEncoder()
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

    static func json(_ object: [String: JSONValue]) -> Response {
        response((try? JSONEncoder.sandbox.encode(JSONValue.object(object))) ?? Data("{}".utf8))
    }

    static func response(_ data: Data) -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
