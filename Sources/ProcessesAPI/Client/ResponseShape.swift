import JSON

/// What a success answer must look like for the JSON calls
/// (``ProcessesClient/JSONOperations``), checked before a script sees it:
/// openapi.yaml's answer schema, read leniently as a client must (formats and
/// closed value lists are not checked; members the document does not model
/// are kept). An answer that differs is a `transport`/`invalidResponse` error
/// naming the first wrong member, as the generated client's decoding would
/// give for the typed calls.
struct ResponseShape {
    let schema: APISchema

    /// The first place `value` differs from the schema, as "body[2].id: expected a string, got number 5".
    func mismatch(in value: JSONValue, at path: String = "body") -> String? {
        Self.fits(schema, value) ? nil : Self.mismatch(schema, in: value, at: path)
    }

    /// Whether `value` fits: the same rules as ``mismatch(_:in:at:)``, without
    /// building a path or a message (an answer of 100,000 job runs fits).
    private static func fits(_ schema: APISchema, _ value: JSONValue) -> Bool {
        switch (schema, value) {
        case (.any, _), (.string, .string), (.integer, .integer), (.number, .integer), (.number, .double), (.boolean, .bool),
            (.nullable, .null):
            return true
        case (.reference(let name), _): return fits(APISchema.named(name), value)
        case (.nullable(let inner), _): return fits(inner, value)
        case (.array(let element, _, _), .array(let items)): return items.allSatisfy { fits(element, $0) }
        case (.object(let object), .object(let members)):
            return object.members.allSatisfy { member in
                guard let found = members[member.name] else { return !member.required }
                return fits(member.schema, found)
            }
        case (.union(let discriminator, let cases), .object(let members)):
            guard case .string(let tag)? = members[discriminator], let chosen = cases.first(where: { $0.value == tag }) else {
                return cases.contains { fits($0.schema, value) }
            }
            return fits(chosen.schema, value)
        case (.oneOf(let alternatives), _), (.anyOf(let alternatives), _):
            return alternatives.contains { fits($0, value) }
        default:
            return false
        }
    }

    private static func mismatch(_ schema: APISchema, in value: JSONValue, at path: String) -> String? {
        func wrong(_ expected: String) -> String {
            "\(JSONPath.shortened(path)): expected \(expected), got \(value.typeName)\(value.isScalar ? " \(value.encoded())" : "")"
        }
        switch schema {
        case .any: return nil
        case .reference(let name): return mismatch(APISchema.named(name), in: value, at: path)
        case .string: if case .string = value { return nil } else { return wrong("a string") }
        case .integer: if case .integer = value { return nil } else { return wrong("an integer") }
        case .number:
            switch value {
            case .integer, .double: return nil
            default: return wrong("a number")
            }
        case .boolean: if case .bool = value { return nil } else { return wrong("a boolean") }
        case .nullable(let inner): return value == .null ? nil : mismatch(inner, in: value, at: path)
        case .array(let element, _, _):
            guard case .array(let items) = value else { return wrong("an array") }
            for (i, item) in items.enumerated() {
                if let problem = mismatch(element, in: item, at: JSONPath.item(path, i)) { return problem }
            }
            return nil
        case .object(let object):
            guard case .object(let members) = value else { return wrong("an object") }
            for member in object.members {
                guard let found = members[member.name] else {
                    if member.required { return "\(JSONPath.shortened(path)): the required member '\(member.name)' is missing" }
                    continue
                }
                if let problem = mismatch(member.schema, in: found, at: JSONPath.member(path, member.name)) { return problem }
            }
            return nil
        case .union(let discriminator, let cases):
            guard case .object(let members) = value else { return wrong("an object") }
            guard case .string(let tag)? = members[discriminator], let chosen = cases.first(where: { $0.value == tag }) else {
                return mismatch(.anyOf(cases.map(\.schema)), in: value, at: path)
            }
            return mismatch(chosen.schema, in: value, at: path)
        case .oneOf(let alternatives):
            // Tried in order; a misfit is reported against the alternative that declares most of its members.
            var problems: [(problem: String, declared: Int)] = []
            for alternative in alternatives {
                guard let problem = mismatch(alternative, in: value, at: path) else { return nil }
                problems.append((problem, declaredCount(of: value, in: alternative)))
            }
            return problems.enumerated().max { a, b in a.element.declared < b.element.declared || (a.element.declared == b.element.declared && a.offset > b.offset) }?.element.problem
        case .anyOf(let alternatives):
            // The plainest alternative first: `{type: object}` accepts any object at once.
            var first: String?
            for alternative in alternatives.sorted(by: { isPlain($0) && !isPlain($1) }) {
                guard let problem = mismatch(alternative, in: value, at: path) else { return nil }
                if first == nil { first = problem }
            }
            return first
        }
    }

    /// How many of `value`'s members `schema` declares.
    private static func declaredCount(of value: JSONValue, in schema: APISchema) -> Int {
        guard case .object(let members) = value, case .object(let object) = schema.resolved else { return 0 }
        return object.members.reduce(0) { $0 + (members[$1.name] != nil ? 1 : 0) }
    }

    private static func isPlain(_ schema: APISchema) -> Bool {
        if case .object(let object) = schema, object.members.isEmpty { return true }
        return false
    }
}
