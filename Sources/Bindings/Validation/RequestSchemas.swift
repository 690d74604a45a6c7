import JSON
import LuaKit

/// The request bodies of openapi.yaml, as procsh checks them before sending.
/// Keep in step with openapi.yaml's `*Create` schemas (BindingsTests checks
/// the spec's own examples against these).
enum RequestSchemas {
    /// A user or group: `{id = "user123", type = "user"}`.
    static let principal = Schema.object(
        ObjectSchema(members: [
            required("id", .nonEmptyString),
            required("type", .oneOf(["user", "group"])),
        ]))

    static let sendTaskArgs = ObjectSchema(members: [
            required("assignee", principal),
            required("title", .nonEmptyString),
            optional("dueDate", .date),
            optional("approver", principal),
            optional("document", .string),
        ])

    static let contentRequestArgs = ObjectSchema(members: [
            required("assignee", principal),
            required("title", .nonEmptyString),
            required("document", .nonEmptyString),
            required("section", .nonEmptyString),
            optional("approver", principal),
            optional("instructions", .string),
        ])

    /// The actions a job run can be created with, and their arguments member.
    static let actions: [(name: String, member: String, arguments: ObjectSchema)] = [
        ("sendTask", "sendTaskArgs", sendTaskArgs),
        ("contentRequest", "contentRequestArgs", contentRequestArgs),
    ]

    /// `arguments`: `type` names the action, `<type>Args` carries its arguments.
    static let arguments = Schema.union(
        discriminator: "type",
        cases: actions.map { action in
            (action.name, .object(ObjectSchema(members: [
                required("type", .oneOf([action.name])),
                required(action.member, .object(action.arguments)),
            ])))
        })

    static let triggerType = Schema.oneOf(["whenEligible"])

    /// One job run to create (an item of createJobRuns' body).
    static let jobRun = Schema.object(
        ObjectSchema(
            members: [
                required("action", .oneOf(actions.map(\.name))),
                required("arguments", arguments),
                optional("triggerType", triggerType),
            ],
            check: { members, path throws(ValidationError) in
                guard case .string(let action) = members["action"],
                    case .string(let type) = members["arguments"]?["type"], action != type
                else { return }
                throw ValidationError(
                    code: .invalidValue, field: JSONPath.member(path, "action"),
                    message: "'\(action)' does not match arguments.type '\(type)' (they name the same action)")
            }))

    /// A group of a process definition.
    static let group: Schema = .object(
        ObjectSchema(members: [
            required("name", .nonEmptyString),
            required("parallel", .boolean),
            optional("children", .array(of: processChild)),
        ]))

    /// A child of a process definition: a job (it has `action`) or a group.
    static let processChild: Schema = .choice(
        describe: "a job ({action=, arguments=}) or a group ({name=, parallel=})",
        choose: { value in
            guard case .object(let members) = value else { return nil }
            return members["action"] != nil || members["arguments"] != nil ? jobRun : group
        })

    /// A process definition (createProcess' body).
    static let process = Schema.object(
        ObjectSchema(members: [
            required("name", .nonEmptyString),
            optional("children", .array(of: processChild)),
        ]))
}
