import Foundation
import JSON
import ProcessesAPI
import Testing

@testable import Bindings

/// The request schemas procsh checks before sending agree with openapi.yaml:
/// what they accept decodes into the generated models, and the spec's own
/// examples pass.
@Suite struct ValidationTests {
    /// createJobRuns' request example in openapi.yaml (Workiva's documentation).
    static var specExample: JSONValue {
        get throws { try JSONValue(parsing: specExampleText) }
    }

    static let specExampleText = """
        [{"action":"sendTask","arguments":{"sendTaskArgs":{"assignee":{"id":"user123","type":"user"},
          "dueDate":"2024-12-15","title":"Review Q4 financial report"},"type":"sendTask"},"triggerType":"whenEligible"},
         {"action":"contentRequest","arguments":{"contentRequestArgs":{"approver":{"id":"manager456","type":"user"},
          "assignee":{"id":"user789","type":"user"},"document":"doc456","section":"section-id-123",
          "title":"Fill in the variance commentary"},"type":"contentRequest"},"triggerType":"whenEligible"}]
        """

    @Test func theSpecExampleIsValidAndDecodes() throws {
        let example = try Self.specExample
        try Schema.array(of: RequestSchemas.jobRun).validate(example, at: "jobs")
        let models = try ModelCoding.model([Components.Schemas.JobRunCreate].self, from: example, field: "jobs")
        #expect(models.count == 2)
        // And back: the model's JSON is the example.
        #expect(ModelCoding.json(models) == example)
    }

    @Test func builtSpecsAreValidModels() throws {
        let task = try JobBuilder.sendTask.build(
            ["assignee": "user123", "title": "Review", "dueDate": "2024-12-15", "approver": ["id": "manager456"]], at: "sendTask")
        let request = try JobBuilder.contentRequest.build(
            ["assignee": ["id": "finance-team", "type": "group"], "title": "Fill", "document": "doc456", "section": "s"],
            at: "contentRequest")
        try Schema.array(of: RequestSchemas.jobRun).validate([task, request], at: "jobs")
        let models = try ModelCoding.model([Components.Schemas.JobRunCreate].self, from: [task, request], field: "jobs")
        #expect(ModelCoding.json(models) == [task, request])
        #expect(task["arguments"]?["sendTaskArgs"]?["approver"] == ["id": "manager456", "type": "user"])
        #expect(task["triggerType"] == "whenEligible")
    }

    @Test(arguments: [
        (#"{"action":"sendTask"}"#, "jobs[1].arguments", ValidationError.Code.missingField),
        (#"{"action":"sendTask","arguments":{"type":"sendTask","sendTaskArgs":{"assignee":{"id":"u","type":"user"},"title":"t","dueDate":"2024-02-30"}}}"#,
         "jobs[1].arguments.sendTaskArgs.dueDate", .invalidDate),
        (#"{"action":"sendTask","arguments":{"type":"sendTask","sendTaskArgs":{"assignee":{"id":"u","type":"user"},"title":"t","extra":1}}}"#,
         "jobs[1].arguments.sendTaskArgs.extra", .unknownField),
        (#"{"action":"sendTask","arguments":{"type":"contentRequest","contentRequestArgs":{"assignee":{"id":"u","type":"user"},"title":"t","document":"d","section":"s"}}}"#,
         "jobs[1].action", .invalidValue),
        (#"{"action":"sendTask","arguments":{"type":"sendTask","sendTaskArgs":{"assignee":{"id":"u","type":"robot"},"title":"t"}}}"#,
         "jobs[1].arguments.sendTaskArgs.assignee.type", .invalidValue),
        (#"{"action":"sendTask","arguments":{"type":"sendTask","sendTaskArgs":{"assignee":{"id":"u","type":"user"},"title":7}}}"#,
         "jobs[1].arguments.sendTaskArgs.title", .wrongType),
        (#"{"action":"sendTask","arguments":{"type":"sendTask","sendTaskArgs":{"assignee":{"id":"u","type":"user"},"title":""}}}"#,
         "jobs[1].arguments.sendTaskArgs.title", .emptyValue),
    ])
    func mistakesAreNamed(json: String, field: String, code: ValidationError.Code) throws {
        let value: JSONValue = .array([try JSONValue(parsing: json)])
        let error = try #require(throws: ValidationError.self) {
            try Schema.array(of: RequestSchemas.jobRun).validate(value, at: "jobs")
        }
        #expect(error.field == field)
        #expect(error.code == code)
    }

    @Test func everyInvalidJobSpecAlsoFailsTheGeneratedDecoder() throws {
        // What validation lets through must decode; what it refuses for a type
        // reason must not decode either (the two agree on the schema).
        let wrongType: JSONValue = [["action": "sendTask", "arguments": ["type": "sendTask", "sendTaskArgs": ["assignee": "u", "title": "t"]]]]
        #expect(throws: ValidationError.self) { try Schema.array(of: RequestSchemas.jobRun).validate(wrongType, at: "jobs") }
        #expect(throws: (any Error).self) {
            try JSONDecoder().decode([Components.Schemas.JobRunCreate].self, from: JSONEncoder().encode(wrongType))
        }
    }

    @Test(arguments: [
        ("2024-02-29", true), ("2023-02-29", false), ("2000-02-29", true), ("1900-02-29", false), ("2024-04-31", false),
        ("2024-12-31", true), ("2024-1-01", false), ("0000-01-01", false), ("2024-12-15 ", false), ("abcd-ef-gh", false),
    ])
    func calendarDates(text: String, valid: Bool) {
        #expect(CalendarDate.isValid(text) == valid)
    }

    /// Lua's `{}` reaches validation as an empty object; wherever a request
    /// schema expects an array, it is the empty array, at any depth.
    @Test func anEmptyTableWhereAnArrayIsExpectedIsAnEmptyArray() throws {
        let process: JSONValue = ["name": "x", "children": [:]]
        #expect(try ProcessDefinition.body(from: process, at: "process") == ["name": "x", "root": ["name": "x", "parallel": false, "children": []]])
        let api: JSONValue = ["name": "x", "root": ["name": "r", "parallel": false, "children": [:]]]
        #expect(try ProcessDefinition.body(from: api, at: "process") == ["name": "x", "root": ["name": "r", "parallel": false, "children": []]])
        let group: JSONValue = [
            "name": "x",
            "children": [["name": "g", "parallel": true, "children": [:]], ["name": "h", "parallel": false, "children": [
                ["name": "i", "parallel": false, "children": [:]],
            ]]],
        ]
        let body = try ProcessDefinition.body(from: group, at: "process")
        let top = body["root"]?["children"]
        #expect(top?[0]?["type"] == "group")
        #expect(top?[0]?["group"]?["children"] == [])
        #expect(top?[1]?["group"]?["children"]?[0]?["group"]?["children"] == [])
        #expect(top?[1]?["group"]?["name"] == "h")
        // What is sent decodes as the generated model (an empty array, not an object).
        let model = try ModelCoding.model(Components.Schemas.ProcessCreate.self, from: body, field: "process")
        #expect(model.root?.children?.count == 2)
        // A table of fields is still not an array, and one that needs no change comes back as it was.
        let error = try #require(throws: ValidationError.self) {
            try ProcessDefinition.body(from: ["name": "x", "children": ["name": "y"]], at: "process")
        }
        #expect(error.field == "process.children")
        #expect(error.message == "expected an array, got a table of fields")
        let spec = try Self.specExample
        #expect(try Schema.array(of: RequestSchemas.jobRun).conformed(spec, at: "jobs") == spec)
    }

    /// A path too deep to read is shortened as docs/lua-api.md shows it,
    /// wherever a validation error names it.
    @Test func aDeepPathIsShortenedInTheError() throws {
        var definition: JSONValue = ["name": "g", "parallel": false, "children": [["name": 5, "parallel": true]]]
        for _ in 0..<40 { definition = ["name": "g", "parallel": false, "children": [definition]] }
        let error = try #require(throws: ValidationError.self) {
            try ProcessDefinition.scriptProcess.validate(["name": "p", "children": [definition]], at: "process")
        }
        #expect(error.field == "process.children[1]...children[1].name")
        #expect(error.message == "expected a string, got number 5")
    }

    @Test func suggestions() {
        #expect(Suggestion.closest(to: "titel", among: ["assignee", "title", "dueDate"]) == "title")
        #expect(Suggestion.closest(to: "duedate", among: ["assignee", "title", "dueDate"]) == "dueDate")
        #expect(Suggestion.closest(to: "relativSibling", among: JobRunsModule.optionNames) == "relativeSibling")
        #expect(Suggestion.closest(to: "colour", among: ["assignee", "title"]) == nil)
        #expect(Suggestion.distance("ab", "ba") == 1)
        #expect(Suggestion.distance("", "abc") == 3)
    }
}
