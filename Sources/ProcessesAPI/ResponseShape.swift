import JSON

/// What a success answer must look like for the calls made as JSON
/// (``ProcessesClient/send(json:)``), checked before a script sees it: the
/// members openapi.yaml requires, and the types of those a script relies on
/// (ids, actions, ordinals, children). An answer that differs is a
/// `transport`/`invalidResponse` error naming the first wrong member, as the
/// generated client's decoding would give for the typed calls.
indirect enum ResponseShape: Sendable {
    case string, integer, boolean, object
    case nullable(ResponseShape)
    case array(ResponseShape)
    case members(required: [(String, ResponseShape)], optional: [(String, ResponseShape)])
    /// A process run's child: a job run (it has an `action`) or a group run.
    case child

    /// The shape of operation `operationID`'s success answer, if it is checked.
    static func answer(of operationID: String) -> ResponseShape? {
        switch operationID {
        case "createJobRuns": return .array(jobRun)
        case "getProcessRun": return processRun
        default: return nil
        }
    }

    static let jobRun = ResponseShape.members(
        required: [("id", .string), ("action", .string)],
        optional: [
            ("ordinal", .integer), ("parent", .nullable(.string)), ("triggerType", .nullable(.string)), ("status", .string),
            ("name", .string), ("arguments", .object),
        ])
    static let groupRun = ResponseShape.members(
        required: [("parallel", .boolean), ("readOnly", .boolean)],
        optional: [
            ("id", .string), ("name", .string), ("children", .array(.child)), ("ordinal", .integer),
            ("parent", .nullable(.string)), ("status", .string),
        ])
    static let processRun = ResponseShape.members(
        required: [("id", .string)], optional: [("name", .string), ("status", .string), ("children", .array(.child))])

    /// The first place `value` differs from the shape, as "body[2].id: expected a string, got number 5".
    func mismatch(in value: JSONValue, at path: String = "body") -> String? {
        func wrong(_ expected: String) -> String {
            "\(JSONPath.shortened(path)): expected \(expected), got \(value.typeName)\(value.isScalar ? " \(value.encoded())" : "")"
        }
        switch self {
        case .string: if case .string = value { return nil } else { return wrong("a string") }
        case .integer: if case .integer = value { return nil } else { return wrong("an integer") }
        case .boolean: if case .bool = value { return nil } else { return wrong("a boolean") }
        case .object: if case .object = value { return nil } else { return wrong("an object") }
        case .nullable(let inner): return value == .null ? nil : inner.mismatch(in: value, at: path)
        case .array(let element):
            guard case .array(let items) = value else { return wrong("an array") }
            for (i, item) in items.enumerated() {
                if let problem = element.mismatch(in: item, at: JSONPath.item(path, i)) { return problem }
            }
            return nil
        case .members(let required, let optional):
            guard case .object(let members) = value else { return wrong("an object") }
            for (name, shape) in required {
                guard let member = members[name] else { return "\(JSONPath.shortened(path)): the required member '\(name)' is missing" }
                if let problem = shape.mismatch(in: member, at: JSONPath.member(path, name)) { return problem }
            }
            for (name, shape) in optional {
                if let member = members[name], let problem = shape.mismatch(in: member, at: JSONPath.member(path, name)) { return problem }
            }
            return nil
        case .child:
            guard case .object(let members) = value else { return wrong("an object") }
            return (members["action"] != nil ? Self.jobRun : Self.groupRun).mismatch(in: value, at: path)
        }
    }
}

extension JSONValue {
    var isScalar: Bool {
        switch self {
        case .array, .object: return false
        default: return true
        }
    }
}
