import JSON
import LuaKit
import ProcessesAPI
import Testing

@testable import Bindings

/// Answers of the API become plain Lua tables with every field the server
/// sent, and error tables carry the contract's fields.
@Suite struct ConversionTests {
    @Test func aJobRunKeepsEveryFieldThroughTheModel() throws {
        let answer: JSONValue = [
            "id": "jobrun-1", "ordinal": 2, "parent": "group-review", "action": "sendTask", "triggerType": "whenEligible",
            "status": "waiting", "sendTaskMetadata": ["permalink": "https://example.com/t/1"],
            "arguments": ["type": "sendTask", "sendTaskArgs": ["assignee": ["id": "user123", "type": "user"], "title": "T"]],
        ]
        let model = try ModelCoding.model(Components.Schemas.JobRun.self, from: answer, field: "answer")
        #expect(ModelCoding.json(model) == answer)
    }

    @Test func anUnknownActionStillReadsBack() throws {
        let answer: JSONValue = ["id": "j", "action": "newAction", "arguments": ["type": "newAction", "newActionArgs": ["x": 1]]]
        let model = try ModelCoding.model(Components.Schemas.JobRun.self, from: answer, field: "answer")
        #expect(ModelCoding.json(model) == answer)
    }

    @Test func aProcessRunBecomesNestedLuaTables() throws {
        let run: JSONValue = [
            "id": "run-1", "status": "running",
            "children": [
                ["id": "g", "parallel": false, "readOnly": false, "ordinal": 0, "children": [["id": "j", "action": "sendTask", "ordinal": 0, "parent": "g"]]]
            ],
        ]
        let model = try ModelCoding.model(Components.Schemas.ProcessRun.self, from: run, field: "answer")
        let state = LuaState()
        try state.stack.push(json: ModelCoding.json(model))
        state.stack.setGlobal("run")
        _ = try state.run("assert(run.children[1].children[1].parent == 'g' and run.children[1].parallel == false)")
    }

    @Test func errorTablesCarryTheContractsFields() throws {
        let state = LuaState()
        let error = ProcessesAPIError(
            kind: .api, status: 404, code: "404", message: "Could not find process run id x", target: "processRunId",
            meta: ["k": "v"], details: [.init(code: "c", message: "m", target: "t")], retryAfter: 2, retryable: false,
            request: .init(method: "POST", path: "/processRuns/x/jobRuns"), attempts: 1)
        ScriptError(error, extra: [("created", [])]).push(onto: state.stack)
        state.stack.setGlobal("e")
        _ = try state.run(
            """
            assert(e.kind == "api" and e.status == 404 and e.code == "404" and e.target == "processRunId")
            assert(e.meta.k == "v" and e.details[1].target == "t" and e.retryAfter == 2 and e.retryable == false)
            assert(e.request.method == "POST" and e.request.path == "/processRuns/x/jobRuns" and e.attempts == 1)
            assert(#e.created == 0)
            assert(tostring(e) == "api 404 (404): Could not find process run id x (target: processRunId) [POST /processRuns/x/jobRuns]", tostring(e))
            """)
        state.stack.getGlobal("e")
        #expect(ScriptError.isErrorTable(at: -1, in: state.stack))
        #expect(ExitStatus.of(ScriptError.read(tableAt: -1, in: state.stack)) == 65)
    }

    @Test(arguments: [
        (ProcessesAPIError.Kind.usage, nil, Int32(64)), (.auth, nil, 77), (.timeout, nil, 75),
        (.transport, nil, 69), (.api, 400, 65), (.api, 404, 65), (.api, 409, 65), (.api, 401, 77), (.api, 403, 77),
        (.api, 429, 75), (.api, 503, 75), (.api, 500, 69), (.api, 502, 69),
    ] as [(ProcessesAPIError.Kind, Int?, Int32)])
    func exitStatuses(kind: ProcessesAPIError.Kind, status: Int?, expected: Int32) {
        #expect(ExitStatus.of(ScriptError(ProcessesAPIError(kind: kind, status: status, message: "m"))) == expected)
    }

    @Test func validationErrorsAreTheScriptsOwn() {
        let invalid = ScriptError(ValidationError(code: .missingField, field: "jobs[1].action", message: "required, but missing"))
        #expect(invalid.kind == .validation && ExitStatus.of(invalid) == 65)
        #expect(invalid.description == "validation: jobs[1].action: required, but missing")
        // A request too long to send was made of the script's values.
        let tooLong = ScriptError(ProcessesAPIError(kind: .usage, code: ProcessesAPIError.requestTooLong, message: "too long"))
        #expect(tooLong.kind == .validation && tooLong.description == "validation: too long")
    }
}
