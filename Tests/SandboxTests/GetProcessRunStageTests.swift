import Foundation
import JSON
import Testing

@testable import Sandbox

/// getProcessRun's own writer (`GetProcessRunStage`, through JSON's
/// CompactJSONEncoder) answers exactly as the generated server does: the same
/// reads go to a sandbox with the fast paths and to one without, after the
/// same changes, and every answer must be the same bytes.
@Suite("getProcessRun fast path")
struct GetProcessRunStageTests {
    static let reads = [
        "/processRuns/demo-run", "/processRuns/demo-run?excludeGeneratedJobs=true", "/processRuns/demo-run?excludeGeneratedJobs=false",
        "/processRuns/demo-run?excludeGeneratedJobs=maybe", "/processRuns/demo-run?excludeGeneratedJobs=true&excludeGeneratedJobs=false",
        "/processRuns/demo-run?other=1", "/processRuns/demo%2Drun", "/processRuns/nope", "/processRuns/",
    ]

    /// Changes made to both sandboxes before each round of reads: job runs of both kinds, with and without optional members.
    static let changes: [(query: String, body: String)] = [
        ("?parentGroupId=group-review", #"[{"action":"sendTask","arguments":{"type":"sendTask","sendTaskArgs":{"assignee":{"id":"user123","type":"user"},"title":"a/b \"q\" \\ é 😀 \u0001\t","dueDate":"2024-02-29","approver":{"id":"manager456","type":"user"},"document":"doc456"}},"triggerType":"whenEligible"}]"#),
        ("?relativeSiblingId=job-7&before=false", #"[{"action":"contentRequest","arguments":{"type":"contentRequest","contentRequestArgs":{"assignee":{"id":"finance-team","type":"group"},"title":"Numbers","document":"doc456","section":"section-id-123","instructions":"Fill in"}}}]"#),
        ("", #"[{"action":"sendTask","arguments":{"type":"sendTask","sendTaskArgs":{"assignee":{"id":"user123","type":"user"},"title":"T"}}}]"#),
    ]

    @Test("both paths give the same answers, byte for byte")
    func sameAnswers() async throws {
        try await Fixture.with { fast in
            try await Fixture.with({ $0.fastPaths = false }) { reference in
                let (fastToken, referenceToken) = (try await fast.token(), try await reference.token())
                var taken = 0
                for round in 0...Self.changes.count {
                    if round > 0 {
                        let (query, body) = Self.changes[round - 1]
                        let a = try await fast.create(body, query: query, token: fastToken)
                        let b = try await reference.create(body, query: query, token: referenceToken)
                        #expect(a.status == 201 && b.status == 201, "\(a.text) \(b.text)")
                    }
                    for path in Self.reads {
                        if let target = PlainTarget(path, of: GetProcessRunStage.operation, queryNames: ["excludeGeneratedJobs"]),
                            GetProcessRunStage.flag(target.query["excludeGeneratedJobs"]) != nil
                        {
                            taken += 1
                        }
                        let a = try await fast.raw("GET", path, bearer: fastToken)
                        let b = try await reference.raw("GET", path, bearer: referenceToken)
                        #expect(a.status == b.status && a.text == b.text, "\(path)\nfast: \(a.status) \(a.text)\nreference: \(b.status) \(b.text)")
                        #expect(a.headers["Content-Type"] == b.headers["Content-Type"], "\(path)")
                    }
                }
                #expect(taken >= 12, "the fast path read \(taken) requests")
            }
        }
    }

    @Test("CompactJSONEncoder writes what JSONEncoder writes for every run of the demo seed")
    func encoderAgreesWithFoundation() throws {
        let store = SandboxStore(seed: .demo)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601  // the server's date transcoder writes ISO 8601 without fractions
        for run in Seed.demo.processRuns {
            for exclude in [false, true] {
                let model = try store.processRun(id: run.id, excludingGenerated: exclude)
                // The compact encoder itself, not AnswerEncoding, which would fall back to JSONEncoder.
                let compact = CompactJSONEncoder { value in try (value as? Date).map(SandboxServer.configuration.dateTranscoder.encode) }
                let (fast, reference) = (try compact.encode(model), Array(try encoder.encode(model)))
                #expect(fast == reference, "\(run.id)\n\(String(decoding: fast, as: UTF8.self))\n\(String(decoding: reference, as: UTF8.self))")
            }
        }
    }
}

/// A seed's job arguments decode into both members of JobRunArguments; the
/// store keeps one, and answers with exactly what the seed said.
@Suite struct SeedArgumentsTests {
    static func node(_ arguments: String) throws -> Seed.Node {
        let json = #"{"id":"j","action":"x","arguments":"# + arguments + "}"
        return try JSONDecoder().decode(Seed.Node.self, from: Data(json.utf8))
    }

    @Test func aKnownActionKeepsItsKnownForm() throws {
        let node = try Self.node(#"{"type":"sendTask","sendTaskArgs":{"assignee":{"id":"u","type":"user"},"title":"T"}}"#)
        #expect(node.arguments?.value1 != nil && node.arguments?.value2 != nil, "decoding fills both")
        let one = node.withOneArgumentsForm.arguments
        #expect(one?.value1 != nil && one?.value2 == nil)
    }

    @Test("members no model has keep the raw object, and an unknown action stays raw", arguments: [
        #"{"type":"sendTask","sendTaskArgs":{"assignee":{"id":"u","type":"user"},"title":"T","extra":[1,2.5,null,true]}}"#,
        #"{"type":"newAction","newActionArgs":{"x":1}}"#,
    ])
    func moreThanTheModelKeepsTheRawObject(arguments: String) throws {
        let one = try Self.node(arguments).withOneArgumentsForm.arguments
        #expect(one?.value1 == nil && one?.value2 != nil)
        #expect(try JSONValue(parsing: CompactJSONEncoder().encode(one)) == JSONValue(parsing: arguments))
    }
}
