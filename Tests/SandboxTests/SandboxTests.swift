import Foundation
import JSON
import ProcessesAPI
import Testing
@testable import Sandbox

@Suite("createJobRuns placement")
struct PlacementTests {
    @Test func afterASiblingInTheRootGroup() async throws {
        try await Fixture.with { f in
            let client = try f.client()
            let created = try await client.createJobRuns(
                processRunID: "demo-run", jobs: [Jobs.sendTask("A"), Jobs.contentRequest("B")],
                placement: .init(relativeSiblingID: "job-7", before: false))
            try #require(created.count == 2)
            #expect(created.map(\.ordinal) == [2, 3])
            #expect(created.allSatisfy { $0.parent == nil }, "the root group: no parent")
            let run = try await client.getProcessRun(id: "demo-run")
            #expect(run.childIDs() == ["job-1", "job-7", created[0].id, created[1].id, "group-review", "group-certification", "job-9"])
            #expect(run.ordinals() == [0, 1, 2, 3, 4, 5, 6])
            try await client.shutdown()
        }
    }

    @Test func neitherAppendsToTheRoot() async throws {
        try await Fixture.with { f in
            let client = try f.client()
            let created = try await client.createJobRuns(processRunID: "demo-run", jobs: [Jobs.sendTask("Last")])
            #expect(created.first?.ordinal == 5)
            #expect(created.first?.parent == nil)
            #expect(try await client.getProcessRun(id: "demo-run").childIDs().last == created.first?.id)
            try await client.shutdown()
        }
    }

    @Test func parentGroupOnlyAppendsToTheGroup() async throws {
        try await Fixture.with { f in
            let client = try f.client()
            let created = try await client.createJobRuns(
                processRunID: "demo-run", jobs: [Jobs.sendTask("G1"), Jobs.sendTask("G2")], placement: .init(parentGroupID: "group-review"))
            #expect(created.map(\.ordinal) == [2, 3])
            #expect(created.allSatisfy { $0.parent == "group-review" })
            let run = try await client.getProcessRun(id: "demo-run")
            #expect(run.childIDs(of: "group-review") == ["job-11", "job-12"] + created.map(\.id))
            try await client.shutdown()
        }
    }

    @Test func beforeASiblingIsTheDefaultAndTheGroupIsTheSiblings() async throws {
        try await Fixture.with { f in
            let client = try f.client()
            let created = try await client.createJobRuns(
                processRunID: "demo-run", jobs: [Jobs.sendTask("X"), Jobs.sendTask("Y")], placement: .init(relativeSiblingID: "job-12"))
            #expect(created.map(\.ordinal) == [1, 2])
            #expect(created.allSatisfy { $0.parent == "group-review" })
            let run = try await client.getProcessRun(id: "demo-run")
            #expect(run.childIDs(of: "group-review") == ["job-11"] + created.map(\.id) + ["job-12"])
            #expect(run.ordinals(of: "group-review") == [0, 1, 2, 3], "later siblings shift; ordinals stay contiguous")
            try await client.shutdown()
        }
    }

    @Test func siblingAndParentAfter() async throws {
        try await Fixture.with { f in
            let client = try f.client()
            let created = try await client.createJobRuns(
                processRunID: "demo-run", jobs: [Jobs.sendTask("Z")],
                placement: .init(relativeSiblingID: "job-11", parentGroupID: "group-review", before: false))
            #expect(created.first?.ordinal == 1)
            #expect(try await client.getProcessRun(id: "demo-run").childIDs(of: "group-review") == ["job-11", try #require(created.first).id, "job-12"])
            try await client.shutdown()
        }
    }

    @Test func theSeedsOwnBodyMatchesTheSeedsOwnAnswer() async throws {
        try await Fixture.with { f in
            let answer = try await f.create(seedBody, query: "?relativeSiblingId=job-7&before=false")
            #expect(answer.status == 201)
            let items = try #require(answer.json?.arrayValue)
            try #require(items.count == 2)
            for item in items {
                let members = try #require(item.objectValue, "each item is an object")
                #expect(Set(members.keys) == ["id", "ordinal", "action", "arguments", "triggerType"], "as the seed's example (no parent at the root)")
            }
            #expect(items[1]["arguments"]?["contentRequestArgs"]?["instructions"] == "Please fill out rows 1-10 in the spreadsheet.")
            #expect(items[0]["ordinal"] == 2)
        }
    }
}

@Suite("createJobRuns validation: 400 with code, message, target")
struct ValidationTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var body: String
        var query: String = ""
        var code: String
        var target: String?
        var messageContains: String = ""
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "empty array", body: "[]", code: "emptyBody", target: "body"),
        Case(name: "an object, not an array", body: #"{"action":"sendTask"}"#, code: "invalidRequest", target: "body", messageContains: "array"),
        Case(name: "not JSON", body: "hello", code: "invalidRequest", target: "body"),
        Case(name: "unknown action", body: sendTaskJSON(action: "sendTsk"), code: "invalidRequest", target: "body[0].action"),
        Case(name: "missing action", body: #"[{"arguments":{"type":"sendTask","sendTaskArgs":{"assignee":{"id":"user123","type":"user"},"title":"T"}}}]"#, code: "invalidRequest", target: "body[0].action", messageContains: "missing required field \"action\""),
        Case(name: "arguments.type differs from action", body: sendTaskJSON(action: "contentRequest"), code: "actionMismatch", target: "body[0].arguments.type"),
        Case(name: "the Args member missing", body: #"[{"action":"sendTask","arguments":{"type":"sendTask"}}]"#, code: "invalidRequest", target: "body[0].arguments.sendTaskArgs"),
        Case(name: "a second Args member", body: sendTaskJSON(extra: #","contentRequestArgs":{}"#), code: "invalidRequest", target: "body[0].arguments.contentRequestArgs", messageContains: "unknown field"),
        Case(name: "sendTask without title", body: sendTaskJSON(#""assignee":{"id":"user123","type":"user"}"#), code: "invalidRequest", target: "body[0].arguments.sendTaskArgs.title"),
        Case(name: "sendTask without assignee", body: sendTaskJSON(#""title":"T""#), code: "invalidRequest", target: "body[0].arguments.sendTaskArgs.assignee"),
        Case(name: "contentRequest without section", body: #"[{"action":"contentRequest","arguments":{"type":"contentRequest","contentRequestArgs":{"assignee":{"id":"user123","type":"user"},"title":"T","document":"doc456"}}}]"#, code: "invalidRequest", target: "body[0].arguments.contentRequestArgs.section"),
        Case(name: "contentRequest without document", body: #"[{"action":"contentRequest","arguments":{"type":"contentRequest","contentRequestArgs":{"assignee":{"id":"user123","type":"user"},"title":"T","section":"section-id-123"}}}]"#, code: "invalidRequest", target: "body[0].arguments.contentRequestArgs.document"),
        Case(name: "dueDate that is no date", body: sendTaskJSON(#""assignee":{"id":"user123","type":"user"},"title":"T","dueDate":"2024-02-30""#), code: "invalidDate", target: "body[0].arguments.sendTaskArgs.dueDate"),
        Case(name: "dueDate in another format", body: sendTaskJSON(#""assignee":{"id":"user123","type":"user"},"title":"T","dueDate":"15/12/2024""#), code: "invalidDate", target: "body[0].arguments.sendTaskArgs.dueDate"),
        Case(name: "principal type not user or group", body: sendTaskJSON(#""assignee":{"id":"user123","type":"robot"},"title":"T""#), code: "invalidRequest", target: "body[0].arguments.sendTaskArgs.assignee.type"),
        Case(name: "unknown field", body: sendTaskJSON(#""assignee":{"id":"user123","type":"user"},"title":"T","titel":"T""#), code: "invalidRequest", target: "body[0].arguments.sendTaskArgs.titel", messageContains: "unknown field \"titel\""),
        Case(name: "unknown approver", body: sendTaskJSON(#""assignee":{"id":"user123","type":"user"},"title":"T","approver":{"id":"ghost","type":"user"}"#), code: "invalidUser", target: "approver"),
        Case(name: "unknown group principal", body: sendTaskJSON(#""assignee":{"id":"no-team","type":"group"},"title":"T""#), code: "invalidGroup", target: "assignee"),
        Case(name: "unknown document", body: #"[{"action":"contentRequest","arguments":{"type":"contentRequest","contentRequestArgs":{"assignee":{"id":"user123","type":"user"},"title":"T","document":"doc000","section":"section-id-123"}}}]"#, code: "invalidDocument", target: "document"),
        Case(name: "unknown section", body: #"[{"action":"contentRequest","arguments":{"type":"contentRequest","contentRequestArgs":{"assignee":{"id":"user123","type":"user"},"title":"T","document":"doc789","section":"section-id-456"}}}]"#, code: "invalidSection", target: "section"),
        Case(name: "empty title", body: sendTaskJSON(#""assignee":{"id":"user123","type":"user"},"title":"  ""#), code: "invalidArgument", target: "body[0].arguments.sendTaskArgs.title"),
        Case(name: "before neither true nor false", body: sendTaskJSON(), query: "?relativeSiblingId=job-7&before=maybe", code: "invalidRequest", target: "before"),
        Case(name: "sibling outside the parent group", body: sendTaskJSON(), query: "?relativeSiblingId=job-7&parentGroupId=group-review", code: "invalidSibling", target: "relativeSiblingId"),
        Case(name: "second job invalid: nothing created", body: "[" + sendTaskJSON().dropFirst().dropLast() + "," + sendTaskJSON(#""assignee":{"id":"ghost","type":"user"},"title":"T""#).dropFirst(), code: "invalidUser", target: "assignee"),
    ]

    @Test(arguments: cases)
    func rejected(_ c: Case) async throws {
        try await Fixture.with { f in
            let before = f.store.export()
            let answer = try await f.create(c.body, query: c.query)
            #expect(answer.status == 400, "\(answer.text)")
            #expect(answer.json?["code"]?.stringValue == c.code, "\(answer.text)")
            #expect(answer.json?["target"]?.stringValue == c.target, "\(answer.text)")
            #expect(c.messageContains.isEmpty || answer.json?["message"]?.stringValue?.contains(c.messageContains) == true, "\(answer.text)")
            #expect(f.store.export() == before, "nothing changed")
        }
    }

    /// A path deep in a body is shortened in `target` and the message, as
    /// procsh's own messages shorten theirs (`body.children[0]...children[0].name`).
    @Test func aDeepTargetIsShortened() async throws {
        var group = #"{"name":null,"parallel":false}"#
        for _ in 0..<30 { group = #"{"name":"g","parallel":false,"children":[\#(group)]}"# }
        try await Fixture.with { f in
            let answer = try await f.raw("POST", "/processes", body: #"{"name":"deep","children":[\#(group)]}"#, bearer: try await f.token())
            #expect(answer.status == 400, "\(answer.text)")
            #expect(answer.json?["target"]?.stringValue == "body.children[0]...children[0].name", "\(answer.text)")
            let text = answer.json?["message"]?.stringValue ?? ""
            #expect(text == "body.children[0]...children[0].name: null is not allowed; leave the member out instead", "\(answer.text)")
        }
    }

    @Test func unknownUserIsTheSeedsExample() async throws {
        try await Fixture.with { f in
            let answer = try await f.create(sendTaskJSON(#""assignee":{"id":"ghost","type":"user"},"title":"T""#))
            #expect(answer.status == 400)
            #expect(answer.json == ["code": "invalidUser", "message": "The provided user is invalid.", "target": "assignee", "meta": ["argumentName": "assignee", "jobIndex": 0, "id": "ghost"]])
        }
    }
}

@Suite("Errors other than validation")
struct StatusTests {
    @Test func unknownRunIs404() async throws {
        try await Fixture.with { f in
            let answer = try await f.create(sendTaskJSON(), run: "nope")
            #expect(answer.status == 404)
            #expect(answer.json?["code"] == "404")
            #expect(answer.json?["message"] == "Could not find process run id nope")
        }
    }

    @Test(arguments: [("?parentGroupId=group-x", "parentGroupId", "group-x"), ("?relativeSiblingId=job-x", "relativeSiblingId", "job-x")])
    func unknownGroupOrSiblingIs404(query: String, target: String, id: String) async throws {
        try await Fixture.with { f in
            let answer = try await f.create(sendTaskJSON(), query: query)
            #expect(answer.status == 404)
            #expect(answer.json?["target"]?.stringValue == target)
            #expect(answer.json?["message"]?.stringValue?.contains(id) == true)
        }
    }

    /// `target` names the parameter that was given and chose the group: a
    /// read-only group reached from its job is the sibling's fault.
    @Test(arguments: [
        ("demo-run-complete", "", "processRunId"),
        ("demo-run", "?parentGroupId=group-certification", "parentGroupId"),
        ("demo-run", "?relativeSiblingId=job-21", "relativeSiblingId"),
        ("demo-run", "?relativeSiblingId=job-21&parentGroupId=group-certification", "parentGroupId"),
    ])
    func closedRunOrReadOnlyGroupIs409(run: String, query: String, target: String) async throws {
        try await Fixture.with { f in
            let answer = try await f.create(sendTaskJSON(), run: run, query: query)
            #expect(answer.status == 409, "\(answer.text)")
            #expect(answer.json?["code"] == "409")
            #expect(answer.json?["target"]?.stringValue == target, "\(answer.text)")
        }
    }

    @Test func missingOrBadTokenIs401() async throws {
        try await Fixture.with { f in
            for bearer in [nil, "sbx_forged"] {
                let answer = try await f.raw("POST", "/processRuns/demo-run/jobRuns", body: sendTaskJSON(), bearer: bearer)
                #expect(answer.status == 401)
                #expect(answer.json == ["code": "Unauthorized", "message": "Bad credentials"])
            }
        }
    }

    @Test func readerCannotWrite() async throws {
        try await Fixture.with { f in
            let reader = try await f.token(reader: true)
            let write = try await f.create(sendTaskJSON(), token: reader)
            #expect(write.status == 403)
            #expect(write.json == ["code": "403", "message": "Forbidden"])
            let read = try await f.raw("GET", "/processRuns/demo-run", bearer: reader)
            #expect(read.status == 200)
        }
    }

    @Test(arguments: [nil, "2022-01-01"])
    func missingOrWrongVersionIs400NamingTheValue(version: String?) async throws {
        try await Fixture.with { f in
            let answer = try await f.raw("POST", "/processRuns/demo-run/jobRuns", body: sendTaskJSON(), bearer: try await f.token(), version: version)
            #expect(answer.status == 400)
            #expect(answer.json?["target"] == "X-Version")
            #expect(answer.json?["message"]?.stringValue?.contains("2026-04-01.processes.preview") == true)
        }
    }

    @Test func bodyOverTenMegabytesIs413() async throws {
        try await Fixture.with { f in
            let big = "[" + String(repeating: " ", count: 10 * 1024 * 1024) + "]"
            let answer = try await f.create(big)
            #expect(answer.status == 413)
            #expect(answer.json?["code"] == "413")
        }
    }

    @Test func rateLimitPerClientIs429WithRetryAfter() async throws {
        try await Fixture.with({ $0.rateLimit = 3 }) { f in
            let token = try await f.token()  // the token request counts: 1
            var statuses: [Int] = []
            var last: RawAnswer?
            for _ in 0..<3 {
                let answer = try await f.raw("GET", "/processRuns/demo-run", bearer: token)
                statuses.append(answer.status)
                last = answer
            }
            #expect(statuses == [200, 200, 429])
            let retryAfter = try #require(last?.headers.first(name: "Retry-After").flatMap(Int.init))
            #expect((1...60).contains(retryAfter))
            #expect(last?.json?["message"]?.stringValue == "Rate limit of 3 per 60 seconds exceeded for getProcessRun requests. Retry request in \(retryAfter) seconds.")
            let reader = try await f.token(reader: true)
            #expect(try await f.raw("GET", "/processRuns/demo-run", bearer: reader).status == 200, "limits are per client")
        }
    }

    @Test func tokenEndpointErrorsUseTheOAuthShape() async throws {
        try await Fixture.with { f in
            let wrong = try await f.raw("POST", "/oauth2/token", body: "grant_type=client_credentials", contentType: "application/x-www-form-urlencoded", basic: ("sandbox-client", "nope"))
            #expect(wrong.status == 401)
            #expect(wrong.json?["error"] == "invalid_client")
            let grant = try await f.raw("POST", "/oauth2/token", body: "grant_type=password", contentType: "application/x-www-form-urlencoded", basic: ("sandbox-client", "sandbox-secret"))
            #expect(grant.status == 400)
            #expect(grant.json?["error"] == "unsupported_grant_type")
            let scope = try await f.raw("POST", "/oauth2/token", body: "grant_type=client_credentials&scope=file:write", contentType: "application/x-www-form-urlencoded", basic: ("sandbox-reader", "sandbox-secret"))
            #expect(scope.status == 400)
            #expect(scope.json?["error"] == "invalid_scope")
            let ok = try await f.raw("POST", "/oauth2/token", body: "grant_type=client_credentials", contentType: "application/x-www-form-urlencoded", basic: ("sandbox-client", "sandbox-secret"))
            #expect(ok.json?["expires_in"] == 599)
            #expect(ok.json?["token_type"] == "Bearer")
            #expect(ok.json?["scope"] == "file:read file:write")
        }
    }
}
