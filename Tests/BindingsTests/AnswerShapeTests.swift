import JSON
import LuaKit
import Testing

@testable import Bindings
@testable import ProcessesAPI

/// The bindings check an answer decoded into Lua tables with LuaKit's C
/// shape checker (``AnswerShapes``); the client checks a JSONValue with
/// ``ResponseShape``. Both read the same openapi.yaml schema: they must agree
/// on every answer, and a wrong one gets the client's message either way.
@Suite struct AnswerShapeTests {
    /// The sandbox's demo run as getProcessRun answers it.
    static let demoRun = #"""
{"children":[{"action":"sendTask","arguments":{"sendTaskArgs":{"assignee":{"id":"user123","type":"user"},"dueDate":"2024-12-01","title":"Collect Q4 trial balance"},"type":"sendTask"},"id":"job-1","name":"Collect Q4 trial balance","ordinal":0,"status":"complete","triggerType":"whenEligible"},{"action":"sendTask","arguments":{"sendTaskArgs":{"assignee":{"id":"user123","type":"user"},"dueDate":"2024-12-10","title":"Prepare Q4 financial report"},"type":"sendTask"},"id":"job-7","name":"Prepare Q4 financial report","ordinal":1,"status":"running","triggerType":"whenEligible"},{"children":[{"action":"sendTask","arguments":{"sendTaskArgs":{"assignee":{"id":"manager456","type":"user"},"dueDate":"2024-12-15","title":"Review Q4 financial report"},"type":"sendTask"},"id":"job-11","name":"Review Q4 financial report","ordinal":0,"parent":"group-review","status":"waiting","triggerType":"whenEligible"},{"action":"contentRequest","arguments":{"contentRequestArgs":{"assignee":{"id":"user789","type":"user"},"document":"doc456","section":"section-id-123","title":"Fill in the variance commentary"},"type":"contentRequest"},"id":"job-12","name":"Fill in the variance commentary","ordinal":1,"parent":"group-review","status":"waiting","triggerType":"whenEligible"}],"id":"group-review","name":"Review","ordinal":2,"parallel":false,"readOnly":false,"status":"waiting","statusCounts":{"waiting":2}},{"children":[{"action":"certificationSignerGenerated","arguments":{"certSignerArgs":{"signer":{"id":"approver002","type":"user"}},"type":"certificationSignerGenerated"},"id":"job-21","name":"Sign-off","ordinal":0,"parent":"group-certification","status":"waiting","triggerType":"whenEligible"}],"id":"group-certification","name":"Certification","ordinal":3,"parallel":true,"readOnly":true,"status":"waiting","statusCounts":{"waiting":1}},{"action":"sendTask","arguments":{"sendTaskArgs":{"assignee":{"id":"user123","type":"user"},"dueDate":"2024-12-20","title":"File the Q4 report"},"type":"sendTask"},"id":"job-9","name":"File the Q4 report","ordinal":4,"status":"waiting","triggerType":"whenEligible"}],"created":{"dateTime":"2025-11-24T16:00:00Z"},"id":"demo-run","name":"Q4 close 2024","processId":"demo-process","status":"running","statusCounts":{"complete":1,"running":1,"waiting":4}}
"""#

    @Test("the C check and the client's agree on the demo run and on thousands of mutations of it")
    func theChecksAgree() throws {
        let run = try JSONValue(parsing: Self.demoRun)
        var random = RandomMutation(seed: 7)
        var (fitting, refused) = (0, 0)
        for round in 0..<3000 {
            let answer = round == 0 ? run : random.mutate(run)
            if try Self.agree(on: answer, .getProcessRun) { fitting += 1 } else { refused += 1 }
        }
        #expect(fitting > 100 && refused > 100, "both outcomes exercised: \(fitting) fit, \(refused) refused")
    }

    /// Whether the answer fits, after checking that both checks say the same (and the same message).
    static func agree(on value: JSONValue, _ operation: APIOperation) throws -> Bool {
        let answer = JSONAnswer(
            bytes: value.encodedBytes(), operation: operation, status: 200, contentType: "application/json",
            request: .init(operation, "r"))
        let expected: String?
        do {
            _ = try answer.value()
            expected = nil
        } catch {
            expected = error.message
        }
        let state = LuaState()
        let got: String?
        do {
            try answer.push(onto: state.stack)
            #expect(state.stack.top == 1)
            got = nil
        } catch let error as ScriptError {
            #expect(state.stack.top == 0, "nothing is left pushed")
            got = error.error.message
        }
        #expect(got == expected, "\(value.encoded())")
        return expected == nil
    }
}

/// Changes one place of a JSON value: a member dropped or added, a value of another kind.
struct RandomMutation {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func below(_ n: Int) -> Int {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Int((state >> 33) % UInt64(n))
    }

    mutating func mutate(_ value: JSONValue) -> JSONValue {
        switch value {
        case .array(var items) where !items.isEmpty && below(3) > 0:
            let i = below(items.count)
            items[i] = mutate(items[i])
            return .array(items)
        case .object(var members) where !members.isEmpty && below(4) > 0:
            let key = members.keys.sorted()[below(members.count)]
            if below(5) == 0 {
                members[key] = nil
            } else {
                members[key] = mutate(members[key]!)
            }
            return .object(members)
        default:
            let others: [JSONValue] = [.null, .bool(true), .integer(3), .double(2.5), .string("x"), .array([]), .object([:]),
                                       .object(["type": "contentRequest"]), .array([.integer(1)])]
            return others[below(others.count)]
        }
    }
}
