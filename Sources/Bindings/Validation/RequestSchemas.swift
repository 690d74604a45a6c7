import JSON
import ProcessesAPI
import Synchronization

/// The request bodies of openapi.yaml, as procsh checks them before sending:
/// the document's schemas (``APISchema/component(_:)``) read into ``Schema``,
/// plus the rules the document states in words (`action` must equal
/// `arguments.type`; a batch update's or a process child's `type` names the
/// member it carries).
enum RequestSchemas {
    /// One job run to create (an item of createJobRuns' body).
    static let jobRun = named("JobRunCreate")
    /// A process definition (createProcess' body).
    static let process = named("ProcessCreate")
    /// One rename of batchUpdateProcess' body.
    static let batchUpdateItem = named("BatchUpdateItem")

    /// The actions a job run can be created with (the cases of the union
    /// `arguments` is), their arguments member and its schema.
    static let actions: [(name: String, member: String, arguments: ObjectSchema)] = {
        guard case .union(let discriminator, let cases) = APISchema.named("JobRunCreate").member("arguments")?.resolved else {
            preconditionFailure("openapi.yaml: JobRunCreate.arguments is not a union")
        }
        return cases.map { action in
            guard case .object(let object) = action.schema.resolved,
                let member = object.members.first(where: { $0.required && $0.name != discriminator }),
                let name = member.schema.referenceName, case .object(let arguments) = named(name)
            else { preconditionFailure("openapi.yaml: the arguments of \(action.value) are not {type, <action>Args}") }
            return (action.value, member.name, arguments)
        }
    }()

    static let triggerType = translate(APISchema.named("JobRunCreate").member("triggerType")!)
    /// A principal's `type` (user or group).
    static let principalType = translate(APISchema.named("PrincipalCreate").member("type")!)

    /// The component `name`, as a ``Schema``: translated the first time it is
    /// asked for, then kept (a reference stays one, ``Schema/reference(_:)``).
    static func named(_ name: String) -> Schema {
        if let schema = translated.withLock({ $0[name] }) { return schema }
        let schema = translate(APISchema.named(name), name: name)
        translated.withLock { $0[name] = schema }
        return schema
    }

    private static let translated = Mutex<[String: Schema]>([:])

    /// The rules openapi.yaml states in words, by the schema they belong to.
    static let rules: [String: @Sendable (_ members: [String: JSONValue], _ path: String) throws(ValidationError) -> Void] = [
        "JobRunCreate": { members, path throws(ValidationError) in
            guard case .string(let action) = members["action"],
                case .string(let type) = members["arguments"]?["type"], action != type
            else { return }
            throw ValidationError(
                code: .invalidValue, field: JSONPath.member(path, "action"),
                message: "'\(action)' does not match arguments.type '\(type)' (they name the same action)")
        },
        "BatchUpdateItem": typeNamesItsMember(in: "BatchUpdateItem"),
        "ProcessChildCreate": typeNamesItsMember(in: "ProcessChildCreate"),
    ]

    /// The rule of an object whose `type` names the one member that carries
    /// it: `{"type": "jobName", "jobNameUpdate": {...}}`, `{"type": "job",
    /// "job": {...}}`. The member is the one named as the type, or else the
    /// one whose name begins with it; the others must be absent.
    static func typeNamesItsMember(
        in name: String
    ) -> @Sendable (_ members: [String: JSONValue], _ path: String) throws(ValidationError) -> Void {
        let carriers = APIObjectSchema.memberNames(of: APISchema.named(name)).filter { $0 != "type" }
        return { members, path throws(ValidationError) in
            guard case .string(let type) = members["type"],
                let wanted = carriers.first(where: { $0 == type }) ?? carriers.first(where: { $0.hasPrefix(type) })
            else { return }
            if members[wanted] == nil {
                throw ValidationError(code: .missingField, field: JSONPath.member(path, wanted), message: "missing: type '\(type)' goes with \(wanted)")
            }
            if let other = carriers.first(where: { $0 != wanted && members[$0] != nil }) {
                throw ValidationError(code: .unknownField, field: JSONPath.member(path, other), message: "type '\(type)' goes with \(wanted), not \(other)")
            }
        }
    }

    /// `schema` as the validator reads it; `name` is the component's, for its rules.
    static func translate(_ schema: APISchema, name: String? = nil) -> Schema {
        switch schema {
        case .string(let rule): return .string(StringRule(minLength: rule.minLength, values: rule.values, isDate: rule.format == "date"))
        case .integer(let rule): return .integer((rule.minimum ?? .min)...(rule.maximum ?? .max))
        case .number: return .number
        case .boolean: return .boolean
        case .array(let items, _, _): return .array(of: translate(items))
        case .object(let object):
            return .object(ObjectSchema(
                members: object.members.map { .init(name: $0.name, schema: translate($0.schema), required: $0.required) },
                allowsOthers: !object.closed, check: name.flatMap { rules[$0] }))
        case .union(let discriminator, let cases):
            return .union(discriminator: discriminator, cases: cases.map { ($0.value, translate($0.schema)) })
        case .oneOf(let alternatives), .anyOf(let alternatives): return choice(among: alternatives)
        case .nullable(let inner): return translate(inner)  // nil is an absent value
        case .reference(let name): return .reference(name)
        case .any: return .any
        }
    }

    /// One of several objects with no discriminator: the one that declares most
    /// of the value's members (none: the value is none of them).
    static func choice(among alternatives: [APISchema]) -> Schema {
        let objects = alternatives.map { alternative -> (name: String?, object: APIObjectSchema?) in
            guard case .object(let object) = alternative.resolved else { return (alternative.referenceName, nil) }
            return (alternative.referenceName, object)
        }
        let describe = objects.map { entry in
            let required = entry.object?.requiredNames.map { "\($0)=" }.joined(separator: ", ") ?? ""
            return "\(entry.object?.title ?? "an object") ({\(required)})"
        }.joined(separator: " or ")
        return .choice(describe: describe) { value in
            guard case .object(let members) = value else { return nil }
            var best: (schema: Schema, declared: Int)?
            for (alternative, entry) in zip(alternatives, objects) {
                let declared = entry.object?.members.reduce(0) { $0 + (members[$1.name] != nil ? 1 : 0) } ?? 0
                if declared > (best?.declared ?? 0) { best = (translate(alternative), declared) }
            }
            return best?.schema
        }
    }
}
