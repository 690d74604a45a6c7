import JSON
import ProcessesAPI
import Testing

@testable import Bindings

/// `processes.create` takes the script's shape (jobs as `jobruns.create` takes
/// them) or createProcess' own, and sends createProcess' shape.
@Suite struct ProcessDefinitionTests {
    /// The body example of Workiva's createProcess page.
    static let pageExample = """
        {"autoClose": true, "businessDaysOfWeek": ["monday", "tuesday", "wednesday", "thursday", "friday"],
         "businessStartDate": "2024-01-01", "certAutoApprove": false, "dueDate": "2024-12-31",
         "name": "Annual Performance Review Process", "relativeDates": true,
         "root": {"children": [{"job": {"arguments": {"sendTaskArgs": {"approverDueDate": "2024-12-20",
           "approverUser": "userId5678", "assigneeUser": "userId1234", "dueDate": "2024-12-15",
           "instructions": "Please complete your annual self-assessment.", "title": "Complete Self-Assessment"},
           "type": "sendTask"}}, "type": "job"}],
           "name": "Performance Review Workflow", "parallel": false, "readOnly": false, "triggerType": "whenEligible"}}
        """

    @Test func thePageExampleIsSentAsItIs() throws {
        let example = try JSONValue(parsing: Self.pageExample)
        #expect(try ProcessDefinition.body(from: example, at: "process") == example)
        let model = try ModelCoding.model(Components.Schemas.ProcessCreate.self, from: example, field: "process")
        #expect(model.root?.children?.first?.job != nil)
    }

    @Test func theScriptShapeIsTranslated() throws {
        let given: JSONValue = [
            "name": "Close", "dueDate": "2024-12-31",
            "children": [
                ["action": "sendTask", "arguments": ["type": "sendTask", "sendTaskArgs": [
                    "assignee": ["id": "user123", "type": "user"], "approver": ["id": "manager456", "type": "user"], "title": "Sign",
                ]]],
                ["name": "Reviews", "parallel": true, "children": [
                    ["action": "contentRequest", "triggerType": "whenEligible", "arguments": ["type": "contentRequest", "contentRequestArgs": [
                        "assignee": ["id": "user123", "type": "user"], "title": "Commentary", "document": "doc456", "section": "s1",
                    ]]],
                ]],
            ],
        ]
        let expected: JSONValue = [
            "name": "Close", "dueDate": "2024-12-31",
            "root": ["name": "Close", "parallel": false, "children": [
                ["type": "job", "job": ["arguments": ["type": "sendTask", "sendTaskArgs": [
                    "assigneeUser": "user123", "approverUser": "manager456", "title": "Sign",
                ]]]],
                ["type": "group", "group": ["name": "Reviews", "parallel": true, "children": [
                    ["type": "job", "job": ["triggerType": "whenEligible", "arguments": ["type": "contentRequest", "contentRequestArgs": [
                        "assigneeUser": "user123", "title": "Commentary", "document": "doc456", "section": "s1",
                    ]]]],
                ]]],
            ]],
        ]
        let body = try ProcessDefinition.body(from: given, at: "process")
        #expect(body == expected)
        // What is sent is createProcess' shape, as openapi.yaml describes it.
        #expect(try RequestSchemas.process.conformed(body, at: "body") == body)
    }

    /// What a script's job may hold and a process's job may not, named by the script's path.
    @Test(arguments: [
        (
            ["assignee": ["id": "finance-team", "type": "group"], "title": "t"] as JSONValue,
            "process.children[1].arguments.sendTaskArgs.assignee.type", "not to a group"
        ),
        (
            ["assignee": ["id": "user123", "type": "user"], "title": "t", "document": "doc456"] as JSONValue,
            "process.children[1].arguments.sendTaskArgs.document", "cannot have 'document'"
        ),
    ])
    func whatAProcessJobCannotHold(args: JSONValue, field: String, says: String) throws {
        let given: JSONValue = ["name": "x", "children": [["action": "sendTask", "arguments": ["type": "sendTask", "sendTaskArgs": args]]]]
        let error = try #require(throws: ValidationError.self) { try ProcessDefinition.body(from: given, at: "process") }
        #expect(error.field == field)
        #expect(error.message.contains(says), "\(error.message)")
    }

    @Test func theAPIShapeIsCheckedAsOpenAPIDescribesIt() throws {
        let both: JSONValue = ["name": "x", "children": [], "root": ["name": "r", "parallel": false]]
        #expect(throws: ValidationError.self) { try ProcessDefinition.body(from: both, at: "process") }
        // A child's type names the member that carries it.
        let mismatched: JSONValue = ["name": "x", "root": ["name": "r", "parallel": false, "children": [
            ["type": "group", "job": ["arguments": ["type": "sendTask", "sendTaskArgs": ["assigneeUser": "u", "title": "t"]]]],
        ]]]
        let error = try #require(throws: ValidationError.self) { try ProcessDefinition.body(from: mismatched, at: "process") }
        #expect(error.field == "process.root.children[1].group")
        #expect(error.message == "missing: type 'group' goes with group")
        let misspelt: JSONValue = ["name": "x", "root": ["name": "r", "parallel": false, "children": [
            ["type": "job", "job": ["arguments": ["type": "sendTask", "sendTaskArgs": ["assigneeUser": "u", "titel": "t"]]]],
        ]]]
        let typo = try #require(throws: ValidationError.self) { try ProcessDefinition.body(from: misspelt, at: "process") }
        #expect(typo.field == "process.root.children[1].job.arguments.sendTaskArgs.titel")
    }
}
