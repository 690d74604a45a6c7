import Foundation
import JSON
import Testing
import TestSupport

@testable import Sandbox

/// createJobRuns' own reader and writer (`CreateJobRunsStage`) answer exactly
/// as the generated server does: the same requests go to a sandbox with the
/// fast paths and to one without, and every answer must be the same bytes.
@Suite("createJobRuns fast path")
struct CreateJobRunsStageTests {
    static let valid: [(query: String, body: String)] = [
        ("?parentGroupId=group-review", sendTaskJSON()),
        ("?relativeSiblingId=job-7&before=false", seedBody),
        ("?relativeSiblingId=job-7&before=true", sendTaskJSON(#""assignee":{"id":"user123","type":"user"},"title":"a/b \"q\" \\ é 😀 \u0001\t","dueDate":"2024-02-29","document":"doc456""#)),
        ("", sendTaskJSON(#""assignee":{"id":"user123","type":"user"},"title":"T","approver":{"id":"manager456","type":"user"}"#)),
        ("?parentGroupId=group-review&relativeSiblingId=job-11", #"[{"action":"sendTask","arguments":{"sendTaskArgs":{"title":"no trigger","assignee":{"type":"user","id":"user123"}},"type":"sendTask"}}]"#),
        ("?before=false&relativeSiblingId=job-1", "[" + Array(repeating: String(sendTaskJSON().dropFirst().dropLast()), count: 25).joined(separator: ",") + "]"),
    ]

    @Test("the stage reads the plain requests itself", arguments: valid.indices)
    func takesPlainRequests(index: Int) throws {
        let (query, body) = Self.valid[index]
        let call = try #require(CreateJobRunsStage.call(path: "/processRuns/demo-run/jobRuns" + query, body: try JSONValue(parsing: body)))
        #expect(call.runID == "demo-run")
        #expect(!call.jobs.isEmpty)
    }

    @Test("JSON content types, as RFC 9110 compares them")
    func jsonContentTypes() {
        for yes in ["application/json", "Application/JSON", " application/json ; charset=utf-8", "application/json;charset=UTF-8"] {
            #expect(BodyStage.isJSON(yes), "\(yes)")
        }
        for no in [nil, "", "application/jsonx", "application/json-patch+json", "text/plain", "application\u{0F}json", "application/jso"] {
            #expect(!BodyStage.isJSON(no), "\(no ?? "nil")")
        }
    }

    @Test("anything irregular is left to the generated server")
    func leavesTheRestAlone() throws {
        let path = "/processRuns/demo-run/jobRuns"
        let body = try JSONValue(parsing: sendTaskJSON())
        for other in [
            "/processRuns/demo%2Drun/jobRuns", path + "?before=maybe", path + "?before=true&before=false",
            path + "?relativeSiblingId=job%2D7", path + "?unknown=1", path + "?parentGroupId", "/processRuns//jobRuns",
        ] {
            #expect(CreateJobRunsStage.call(path: other, body: body) == nil, "\(other)")
        }
        for other in [
            "[]", "{}", "[1]", sendTaskJSON(extra: #","more":1"#),
            sendTaskJSON(#""assignee":{"id":"user123","type":"robot"},"title":"T""#),
            sendTaskJSON(#""assignee":{"id":"user123","type":"user"},"title":"T","dueDate":5"#),
        ] {
            #expect(CreateJobRunsStage.call(path: path, body: try JSONValue(parsing: other)) == nil, "\(other)")
        }
    }

    @Test("both paths give the same answers, byte for byte, to valid and broken requests")
    func sameAnswers() async throws {
        try await Fixture.with { fast in
            try await Fixture.with({ $0.fastPaths = false }) { reference in
                let (fastToken, referenceToken) = (try await fast.token(), try await reference.token())

                var requests = Self.valid.map { ($0.query, $0.body, "application/json") }
                var random = RandomJSON(seed: 7)
                for _ in 0..<300 {
                    let (query, body) = Self.valid[random.below(Self.valid.count)]
                    requests.append((Self.mutate(query: query, &random), Self.mutate(body, &random), "application/json"))
                }
                // Nearly every mutated body is irregular and left to the generated
                // server; valid bodies at varied places give the fast path its share.
                for _ in 0..<100 {
                    let (query, body) = Self.valid[random.below(Self.valid.count)]
                    requests.append((Self.mutate(query: query, &random), body, "application/json"))
                }
                requests += [
                    ("?parentGroupId=group-certification", sendTaskJSON(), "application/json"),  // 409: read-only
                    ("?relativeSiblingId=nope", sendTaskJSON(), "application/json"),  // 404
                    ("", sendTaskJSON(), "application/json; charset=utf-8"),
                    ("", sendTaskJSON(), "text/plain"),
                ]
                // The comparison means something only if both paths are exercised:
                // the fast path reads a request when the stage takes it, and the
                // generated server answers the rest.
                var takenByFastPath = 0
                var statuses: [Int: Int] = [:]
                for (query, body, contentType) in requests {
                    let path = "/processRuns/demo-run/jobRuns" + query
                    if BodyStage.isJSON(contentType), let parsed = try? JSONValue(parsing: body),
                        CreateJobRunsStage.call(path: path, body: parsed) != nil
                    {
                        takenByFastPath += 1
                    }
                    let a = try await fast.raw("POST", path, body: body, contentType: contentType, bearer: fastToken)
                    let b = try await reference.raw("POST", path, body: body, contentType: contentType, bearer: referenceToken)
                    #expect(a.status == b.status && a.text == b.text, "\(query) \(body)\nfast: \(a.status) \(a.text)\nreference: \(b.status) \(b.text)")
                    #expect(a.headers["Content-Type"] == b.headers["Content-Type"])
                    statuses[b.status, default: 0] += 1
                }
                let fallback = requests.count - takenByFastPath
                #expect(takenByFastPath >= 50, "fast path read \(takenByFastPath) of \(requests.count)")
                #expect(fallback >= 50, "generated server answered \(fallback) of \(requests.count)")
                #expect((statuses[201] ?? 0) > 0, "\(statuses)")
                #expect(statuses.keys.contains { (400..<500).contains($0) }, "\(statuses)")
                // Both sandboxes hold the same runs afterwards.
                let runs = (fast.store.export(), reference.store.export())
                #expect(runs.0 == runs.1)
            }
        }
    }

    @Test("a repeated key or a null is refused before either path reads the body", arguments: [
        (#"[{"action":"sendTask","action":"contentRequest","arguments":{"type":"sendTask","sendTaskArgs":{"assignee":{"id":"user123","type":"user"},"title":"T"}}}]"#,
         "body", #"repeats the key \"action\""#),
        (sendTaskJSON(#""assignee":{"id":"user123","type":"user"},"title":"a","title":"b""#), "body", #"repeats the key \"title\""#),
        (sendTaskJSON(#""assignee":{"id":"user123","type":"user"},"title":"T","dueDate":null"#),
         "body[0].arguments.sendTaskArgs.dueDate", "null is not allowed"),
        (#"[{"action":"sendTask","arguments":{"type":"sendTask","sendTaskArgs":{"assignee":{"id":"u","type":"user"},"title":"T"}},"triggerType":null}]"#,
         "body[0].triggerType", "null is not allowed"),
    ])
    func refusedBodies(body: String, target: String, message: String) async throws {
        for fastPaths in [true, false] {
            try await Fixture.with({ $0.fastPaths = fastPaths }) { fixture in
                let answer = try await fixture.create(body)
                #expect(answer.status == 400, "\(answer.text)")
                #expect(answer.json?["code"] == "invalidRequest")
                #expect(answer.json?["target"]?.stringValue == target)
                #expect(answer.text.contains(message), "\(answer.text)")
                #expect(fixture.store.revision == 0, "nothing changed")
            }
        }
    }

    /// A valid body with one thing changed: a member dropped, renamed, nulled or retyped, a value altered.
    static func mutate(_ body: String, _ random: inout RandomJSON) -> String {
        guard var value = try? JSONValue(parsing: body) else { return body }
        if random.below(5) == 0 { return String(body.prefix(random.below(body.count))) }  // truncated
        func change(_ v: inout JSONValue) {
            switch v {
            case .array(var items) where !items.isEmpty:
                let i = random.below(items.count)
                if random.below(4) == 0 { items.remove(at: i) } else { change(&items[i]) }
                v = .array(items)
            case .object(var members) where !members.isEmpty:
                let key = members.keys.sorted()[random.below(members.count)]
                switch random.below(6) {
                case 0: members[key] = nil
                case 1: members[key + "x"] = members[key]; members[key] = nil
                case 2: members[key] = .null
                case 3: members[key] = random.value(depth: 1)
                default:
                    if var member = members[key] {
                        change(&member)
                        members[key] = member
                    }
                }
                v = .object(members)
            case .string(let s):
                v = [.string(""), .string(s + "é/"), .string("2024-02-30"), .string("group"), .integer(1)][random.below(5)]
            default:
                v = random.value(depth: 1)
            }
        }
        change(&value)
        return value.encoded()
    }

    static func mutate(query: String, _ random: inout RandomJSON) -> String {
        switch random.below(6) {
        case 0: return query + (query.isEmpty ? "?" : "&") + "before=true"
        case 1: return "?relativeSiblingId=job-11"
        case 2: return query.replacingOccurrences(of: "job-7", with: "job%2D7")
        default: return query
        }
    }
}
