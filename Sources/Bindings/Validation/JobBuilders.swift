import JSON

/// `jobruns.sendTask{...}` and `jobruns.contentRequest{...}`: a flat table of
/// the action's arguments becomes a job spec in the API's own shape.
struct JobBuilder: Sendable {
    let action: String
    /// The arguments member (`sendTaskArgs`).
    let member: String
    /// What the builder takes: the action's arguments (RequestSchemas), a
    /// principal also as a plain user id, and `triggerType`.
    let fields: ObjectSchema

    init(action: String, member: String, arguments: ObjectSchema) {
        self.action = action
        self.member = member
        let members = arguments.members.map { member in
            Self.isPrincipal(member)
                ? ObjectSchema.Member(name: member.name, schema: Self.principal, required: member.required) : member
        }
        principalFields = arguments.members.filter(Self.isPrincipal).map(\.name)
        fields = ObjectSchema(members: members + [optional("triggerType", RequestSchemas.triggerType)])
    }

    static let all = RequestSchemas.actions.map { JobBuilder(action: $0.name, member: $0.member, arguments: $0.arguments) }
    static let sendTask = all.first { $0.action == "sendTask" }!
    static let contentRequest = all.first { $0.action == "contentRequest" }!

    /// The members that name a user or group (`assignee`, `approver`).
    let principalFields: [String]

    /// openapi.yaml's schema of a user or group in a request.
    static let principalSchema = "PrincipalCreate"

    static func isPrincipal(_ member: ObjectSchema.Member) -> Bool {
        if case .reference(principalSchema) = member.schema { return true }
        return false
    }

    /// A principal as builders take it: `"user123"` (a user), or `{id=, type=}`
    /// where `type` defaults to "user".
    static let principal = Schema.choice(
        describe: "a user id (\"user123\") or a {id=, type=} table",
        choose: { value in
            switch value {
            case .string: return .nonEmptyString
            case .object: return principalTable
            default: return nil
            }
        })

    /// A principal's table, whose `type` may be left out.
    static let principalTable: Schema = {
        guard case .object(let object) = RequestSchemas.named(principalSchema) else { preconditionFailure("PrincipalCreate is not an object") }
        return .object(ObjectSchema(members: object.members.map { member in
            member.name == "type" ? optional(member.name, member.schema) : member
        }))
    }()

    /// The job spec for `arguments` (found at `path`), or the first thing wrong with them.
    func build(_ arguments: JSONValue, at path: String) throws(ValidationError) -> JSONValue {
        let arguments = try Schema.object(fields).conformed(arguments, at: path)
        var members = arguments.objectValue ?? [:]
        members["triggerType"] = nil
        for key in principalFields {
            if let value = members[key] { members[key] = Self.normalise(principal: value) }
        }
        return .object([
            "action": .string(action),
            "arguments": .object(["type": .string(action), member: .object(members)]),
            "triggerType": arguments["triggerType"] ?? "whenEligible",
        ])
    }

    /// `"user123"` → `{id = "user123", type = "user"}`; a table gets `type = "user"` if it has none.
    static func normalise(principal value: JSONValue) -> JSONValue {
        switch value {
        case .string(let id): return .object(["id": .string(id), "type": "user"])
        case .object(var members):
            if members["type"] == nil || members["type"] == .null { members["type"] = "user" }
            return .object(members)
        default: return value
        }
    }
}
