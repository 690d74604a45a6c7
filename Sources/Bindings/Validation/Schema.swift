import JSON

/// What a request's JSON must look like, checked before anything is sent.
///
/// openapi.yaml's request schemas as the bindings read them
/// (``RequestSchemas``), and the builders' own: procsh checks first (the server
/// enforces them too) so that a mistake is reported with the path a script
/// uses (`jobs[2].arguments.sendTaskArgs.assignee`) and a suggestion, and so
/// that nothing is sent when anything is wrong.
indirect enum Schema: Sendable {
    case string(StringRule)
    case boolean
    case integer(ClosedRange<Int64>)
    case number
    /// Any value.
    case any
    /// A component of openapi.yaml, by name (``RequestSchemas/named(_:)``).
    case reference(String)
    case object(ObjectSchema)
    case array(of: Schema)
    /// One of several objects, chosen by a member's string value (`type`).
    case union(discriminator: String, cases: [(value: String, schema: Schema)])
    /// One of several schemas, chosen by looking at the value.
    case choice(describe: String, choose: @Sendable (JSONValue) -> Schema?)

    static let string = Schema.string(StringRule())
    static let nonEmptyString = Schema.string(StringRule(minLength: 1))
    static let date = Schema.string(StringRule(isDate: true))

    static func oneOf(_ values: [String]) -> Schema { .string(StringRule(values: values)) }
}

/// The rules for a string: a minimum length, a set of allowed values, or a date.
struct StringRule: Sendable {
    var minLength = 0
    var values: [String]? = nil
    /// A real calendar date written `YYYY-MM-DD`.
    var isDate = false
}

/// An object's members; unless it `allowsOthers`, nothing else is allowed (a
/// misspelt name is an error).
struct ObjectSchema: Sendable {
    struct Member: Sendable {
        let name: String
        let schema: Schema
        let required: Bool
    }

    let members: [Member]
    var allowsOthers = false
    /// Rules that tie members together (`action` must equal `arguments.type`).
    var check: (@Sendable (_ members: [String: JSONValue], _ path: String) throws(ValidationError) -> Void)? = nil

    func member(named name: String) -> Member? { members.first { $0.name == name } }
}

/// Shorthands for building member lists.
func required(_ name: String, _ schema: Schema) -> ObjectSchema.Member {
    .init(name: name, schema: schema, required: true)
}

func optional(_ name: String, _ schema: Schema) -> ObjectSchema.Member {
    .init(name: name, schema: schema, required: false)
}
