import Foundation
import ProcessesAPI
@testable import Sandbox

/// A sandbox on a free loopback port, and clients for it (real HTTP).
struct Fixture {
    let sandbox: RunningSandbox

    /// Starts a sandbox, runs `body` with it, and stops it (waiting until the
    /// port is closed) whether `body` returns or throws, so a failing test
    /// leaves no server behind for the next.
    static func with<R>(
        _ configure: (inout SandboxServer.Options) throws -> Void = { _ in }, _ body: (Fixture) async throws -> R
    ) async throws -> R {
        var options = SandboxServer.Options()
        options.port = 0
        try configure(&options)
        let fixture = Fixture(sandbox: try await SandboxServer(options: options).start())
        let result: R
        do {
            result = try await body(fixture)
        } catch {
            await fixture.stop()
            throw error
        }
        await fixture.stop()
        return result
    }

    var baseURL: URL { sandbox.baseURL }
    var store: SandboxStore { sandbox.server.store }

    /// A client with the demo credentials (`sandbox-client`, read and write) unless told otherwise.
    func client(
        id: String = "sandbox-client", secret: String = "sandbox-secret", retry: RetryPolicy = .none, clock: ClientClock = .system
    ) throws -> ProcessesClient {
        var configuration = try ClientConfiguration(
            baseURL: baseURL, credentials: .init(clientID: id, clientSecret: secret))
        configuration.retry = retry
        configuration.rateLimit = nil
        return try ProcessesClient(configuration: configuration, clock: clock)
    }

    private func stop() async { await sandbox.stop() }

    /// Job runs in a run of the store (throws when the run is missing).
    func jobCount(run: String = "demo-run") throws -> Int {
        guard let count = store.read({ $0.runs[run]?.jobs.count }) else { throw FixtureError("no run \(run) in the store") }
        return count
    }

    /// Requests the sandbox logged for `path` (the token endpoint, say),
    /// since the start or the last reset.
    func requests(to path: String) -> [RequestLog.Entry] {
        sandbox.server.requestLog.recent.filter { $0.path == path }
    }
}

/// Builds request items the short way.
enum Jobs {
    static func sendTask(
        _ title: String, assignee: String = "user123", type: Components.Schemas.PrincipalCreate._TypePayload = .user,
        due: String? = "2024-12-15", approver: String? = nil, document: String? = nil
    ) -> Components.Schemas.JobRunCreate {
        .init(
            action: .sendTask,
            arguments: .sendTask(.init(
                _type: .sendTask,
                sendTaskArgs: .init(
                    assignee: .init(id: assignee, _type: type), title: title, dueDate: due,
                    approver: approver.map { .init(id: $0, _type: .user) }, document: document))),
            triggerType: .whenEligible)
    }

    static func contentRequest(
        _ title: String, assignee: String = "user123", document: String = "doc456", section: String = "section-id-123"
    ) -> Components.Schemas.JobRunCreate {
        .init(
            action: .contentRequest,
            arguments: .contentRequest(.init(
                _type: .contentRequest,
                contentRequestArgs: .init(
                    assignee: .init(id: assignee, _type: .user), title: title, document: document, section: section,
                    approver: .init(id: "manager456", _type: .user), instructions: "Please fill out rows 1-10 in the spreadsheet."))),
            triggerType: .whenEligible)
    }
}

/// Builds a process's tree (createProcess' shape) the short way.
enum Tree {
    static func root(_ children: [Components.Schemas.ProcessChildCreate]) -> Components.Schemas.GroupCreate {
        .init(name: "Root", parallel: false, children: children)
    }

    static func group(_ name: String, parallel: Bool = true, _ children: [Components.Schemas.ProcessChildCreate]? = nil) -> Components.Schemas.ProcessChildCreate {
        .init(_type: .group, group: .init(name: name, parallel: parallel, children: children))
    }

    /// A sendTask job, users as plain ids as on Workiva's createProcess page.
    static func sendTask(_ title: String, assignee: String = "user123", instructions: String? = nil) -> Components.Schemas.ProcessChildCreate {
        .init(_type: .job, job: .init(arguments: .sendTask(.init(
            _type: .sendTask,
            sendTaskArgs: .init(assigneeUser: assignee, title: title, instructions: instructions, dueDate: "2024-12-15")))))
    }

    static func contentRequest(_ title: String, document: String = "doc456") -> Components.Schemas.ProcessChildCreate {
        .init(_type: .job, job: .init(arguments: .contentRequest(.init(
            _type: .contentRequest,
            contentRequestArgs: .init(assigneeUser: "user123", title: title, document: document, section: "section-id-123")))))
    }
}

extension Components.Schemas.ProcessRun {
    /// The ids of a group's children in order (nil: the top level).
    func childIDs(of group: String? = nil) -> [String] {
        func ids(_ children: [Components.Schemas.ProcessRunChild]) -> [String] {
            children.map { child in
                switch child {
                case .GroupRun(let g): return g.id ?? "?"
                case .JobRun(let j): return j.id
                }
            }
        }
        func find(_ children: [Components.Schemas.ProcessRunChild]) -> [Components.Schemas.ProcessRunChild]? {
            for child in children {
                if case .GroupRun(let g) = child {
                    if g.id == group { return g.children ?? [] }
                    if let found = find(g.children ?? []) { return found }
                }
            }
            return nil
        }
        if group == nil { return ids(children ?? []) }
        return ids(find(children ?? []) ?? [])
    }

    /// Every child's ordinal in a group, in order.
    func ordinals(of group: String? = nil) -> [Int32] {
        func find(_ children: [Components.Schemas.ProcessRunChild]) -> [Components.Schemas.ProcessRunChild]? {
            guard let group else { return children }
            for child in children {
                if case .GroupRun(let g) = child {
                    if g.id == group { return g.children ?? [] }
                    if let found = find(g.children ?? []) { return found }
                }
            }
            return nil
        }
        return (find(children ?? []) ?? []).map { child in
            switch child {
            case .GroupRun(let g): return g.ordinal ?? -1
            case .JobRun(let j): return j.ordinal ?? -1
            }
        }
    }
}

import AsyncHTTPClient
import JSON
import NIOCore
import NIOHTTP1

/// A raw answer: status, headers, body as JSON (or nil).
struct RawAnswer {
    var status: Int
    var headers: HTTPHeaders
    var text: String
    var json: JSONValue? { try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) }
}

extension Fixture {
    /// A demo token (read and write unless `reader`).
    func token(reader: Bool = false) async throws -> String {
        let answer = try await raw(
            "POST", "/oauth2/token", body: "grant_type=client_credentials", contentType: "application/x-www-form-urlencoded",
            basic: (reader ? "sandbox-reader" : "sandbox-client", "sandbox-secret"))
        guard let token = answer.json?["access_token"]?.stringValue else { throw FixtureError("no token: \(answer.text)") }
        return token
    }

    /// Any HTTP request, exactly as given (for what the typed client cannot send).
    func raw(
        _ method: String, _ path: String, body: String? = nil, contentType: String? = "application/json",
        bearer: String? = nil, basic: (String, String)? = nil, version: String? = APIVersion.current
    ) async throws -> RawAnswer {
        var request = HTTPClientRequest(url: baseURL.absoluteString + path)
        request.method = .init(rawValue: method)
        if let version { request.headers.add(name: "X-Version", value: version) }
        if let bearer { request.headers.add(name: "Authorization", value: "Bearer \(bearer)") }
        if let (id, secret) = basic {
            request.headers.add(name: "Authorization", value: "Basic " + Data("\(id):\(secret)".utf8).base64EncodedString())
        }
        if let body {
            if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        return RawAnswer(status: Int(response.status.code), headers: response.headers, text: String(buffer: bytes))
    }

    /// createJobRuns with a raw JSON body and the demo token.
    func create(_ body: String, run: String = "demo-run", query: String = "", token: String? = nil) async throws -> RawAnswer {
        let bearer: String
        if let token { bearer = token } else { bearer = try await self.token() }
        return try await raw("POST", "/processRuns/\(run)/jobRuns\(query)", body: body, bearer: bearer)
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The seed's own request body (createjobruns.txt), verbatim.
let seedBody = """
[
  {
    "action": "sendTask",
    "arguments": {
      "sendTaskArgs": {
        "assignee": {
          "id": "user123",
          "type": "user"
        },
        "dueDate": "2024-12-15",
        "title": "Review Q4 financial report"
      },
      "type": "sendTask"
    },
    "triggerType": "whenEligible"
  },
  {
    "action": "contentRequest",
    "arguments": {
      "contentRequestArgs": {
        "approver": {
          "id": "manager456",
          "type": "user"
        },
        "assignee": {
          "id": "user123",
          "type": "user"
        },
        "document": "doc456",
        "instructions": "Please fill out rows 1-10 in the spreadsheet.",
        "section": "section-id-123",
        "title": "Content Request 1"
      },
      "type": "contentRequest"
    },
    "triggerType": "whenEligible"
  }
]
"""

/// One sendTask item as JSON text, with `args` replacing its sendTaskArgs members.
func sendTaskJSON(_ args: String = #""assignee":{"id":"user123","type":"user"},"title":"T""#, action: String = "sendTask", type: String = "sendTask", extra: String = "") -> String {
    #"[{"action":"\#(action)","arguments":{"type":"\#(type)","sendTaskArgs":{\#(args)}\#(extra)},"triggerType":"whenEligible"}]"#
}
