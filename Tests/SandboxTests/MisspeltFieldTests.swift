import Foundation
import JSON
import Testing

@testable import Sandbox

/// A misspelt member of a request body is named as procsh's client names it,
/// `unknown field 'asignee' (did you mean 'assignee'?)`, not only as the member
/// it leaves missing; the names are openapi.yaml's (the generated types').
@Suite("Misspelt fields")
struct MisspeltFieldTests {
    static func job(_ args: String) -> String {
        #"[{"action":"sendTask","arguments":{"type":"sendTask","sendTaskArgs":{\#(args)}}}]"#
    }

    @Test(arguments: [true, false])
    func aMisspeltRequiredMemberIsAnUnknownFieldWithASuggestion(fastPaths: Bool) async throws {
        try await Fixture.with({ $0.fastPaths = fastPaths }) { f in
            let token = try await f.token()
            let answer = try await f.raw(
                "POST", "/processRuns/demo-run/jobRuns", body: Self.job(#""asignee":{"id":"user123","type":"user"},"title":"T""#),
                bearer: token)
            #expect(answer.status == 400, "\(answer.text)")
            #expect(answer.json?["code"]?.stringValue == "invalidRequest")
            #expect(
                answer.json?["message"]?.stringValue
                    == "unknown field 'asignee' (did you mean 'assignee'?) in body[0].arguments.sendTaskArgs", "\(answer.text)")
            #expect(answer.json?["target"]?.stringValue == "body[0].arguments.sendTaskArgs.asignee", "\(answer.text)")
            // Nothing was created.
            let run = try await f.raw("GET", "/processRuns/demo-run", bearer: token)
            #expect(!run.text.contains("jobrun-"))
        }
    }

    @Test func twoMisspeltMembersNameTheFirst() async throws {
        try await Fixture.with { f in
            let answer = try await f.raw(
                "POST", "/processRuns/demo-run/jobRuns", body: Self.job(#""asignee":{"id":"user123","type":"user"},"titel":"T""#),
                bearer: try await f.token())
            #expect(answer.json?["target"]?.stringValue == "body[0].arguments.sendTaskArgs.asignee", "\(answer.text)")
        }
    }

    @Test("a misspelt member elsewhere: the job's own action, a process's name")
    func otherMembers() async throws {
        try await Fixture.with { f in
            let token = try await f.token()
            let job = try await f.raw(
                "POST", "/processRuns/demo-run/jobRuns",
                body: #"[{"actoin":"sendTask","arguments":{"type":"sendTask","sendTaskArgs":{"assignee":{"id":"user123","type":"user"},"title":"T"}}}]"#,
                bearer: token)
            #expect(job.json?["message"]?.stringValue == "unknown field 'actoin' (did you mean 'action'?) in body[0]", "\(job.text)")
            #expect(job.json?["target"]?.stringValue == "body[0].actoin")
            let process = try await f.raw("POST", "/processes", body: #"{"nmae":"Close","root":{"name":"Close","parallel":false,"children":[]}}"#, bearer: token)
            #expect(process.status == 400)
            #expect(process.json?["message"]?.stringValue == "unknown field 'nmae' (did you mean 'name'?) in body", "\(process.text)")
            #expect(process.json?["target"]?.stringValue == "body.nmae")
        }
    }

    @Test("a missing member with no key close to it is still a missing required field")
    func aMissingMemberWithoutAMisspelling() async throws {
        try await Fixture.with { f in
            let answer = try await f.raw(
                "POST", "/processRuns/demo-run/jobRuns", body: Self.job(#""approver":{"id":"user123","type":"user"},"title":"T""#),
                bearer: try await f.token())
            #expect(answer.status == 400)
            #expect(answer.json?["message"]?.stringValue?.hasPrefix("missing required field \"assignee\"") == true, "\(answer.text)")
            #expect(answer.json?["target"]?.stringValue == "body[0].arguments.sendTaskArgs.assignee")
        }
    }
}
