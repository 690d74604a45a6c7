import JSON
import LuaKit
import ProcessesAPI

extension Schema {
    /// Checks `value` (found at `path`); throws the first thing wrong.
    func validate(_ value: JSONValue, at path: String) throws(ValidationError) {
        switch self {
        case .string(let rule):
            guard case .string(let s) = value else { throw .wrongType(path, expected: "a string", got: value) }
            try rule.validate(s, at: path)
        case .boolean:
            guard case .bool = value else { throw .wrongType(path, expected: "a boolean", got: value) }
        case .integer(let range):
            guard let i = value.integerValue else { throw .wrongType(path, expected: "an integer", got: value) }
            guard range.contains(i) else {
                throw ValidationError(
                    code: .invalidValue, field: path,
                    message: "\(i) is out of range (\(range.lowerBound)...\(range.upperBound))")
            }
        case .object(let object):
            guard case .object(let members) = value else { throw .wrongType(path, expected: "a table of fields", got: value) }
            try object.validate(members, at: path)
        case .array(let item):
            guard case .array(let items) = value else { throw .wrongType(path, expected: "an array", got: value) }
            for (i, element) in items.enumerated() {
                try item.validate(element, at: "\(path)[\(i + 1)]")
            }
        case .union(let discriminator, let cases):
            guard case .object(let members) = value else { throw .wrongType(path, expected: "a table of fields", got: value) }
            let names = cases.map(\.value)
            let typePath = JSONPath.member(path, discriminator)
            guard let tag = members[discriminator] else {
                throw ValidationError(
                    code: .missingField, field: typePath,
                    message: "required, but missing (one of \(names.joined(separator: ", ")))")
            }
            guard case .string(let name) = tag else { throw .wrongType(typePath, expected: "a string", got: tag) }
            guard let chosen = cases.first(where: { $0.value == name }) else {
                throw ValidationError(
                    code: .invalidValue, field: typePath,
                    message: "'\(name)' is not one of \(names.joined(separator: ", "))\(Suggestion.phrase(for: name, among: names))")
            }
            try chosen.schema.validate(value, at: path)
        case .choice(let describe, let choose):
            guard let chosen = choose(value) else { throw .wrongType(path, expected: describe, got: value) }
            try chosen.validate(value, at: path)
        }
    }
}

extension ObjectSchema {
    func validate(_ members: [String: JSONValue], at path: String) throws(ValidationError) {
        let names = self.members.map(\.name)
        for key in members.keys.sorted() where member(named: key) == nil {
            throw ValidationError(
                code: .unknownField, field: JSONPath.member(path, key),
                message: "unknown field '\(key)'\(Suggestion.phrase(for: key, among: names)); the fields are \(names.joined(separator: ", "))")
        }
        for member in self.members {
            let memberPath = JSONPath.member(path, member.name)
            guard let value = members[member.name], value != .null else {
                if member.required {
                    throw ValidationError(code: .missingField, field: memberPath, message: "required, but missing")
                }
                continue
            }
            try member.schema.validate(value, at: memberPath)
        }
        try check?(members, path)
    }
}

extension StringRule {
    func validate(_ s: String, at path: String) throws(ValidationError) {
        if s.isEmpty && (minLength > 0 || isDate) {
            throw ValidationError(code: .emptyValue, field: path, message: "must not be empty")
        }
        if s.count < minLength {
            throw ValidationError(code: .invalidValue, field: path, message: "must be at least \(minLength) characters long")
        }
        if let values, !values.contains(s) {
            throw ValidationError(
                code: .invalidValue, field: path,
                message: "'\(s)' is not one of \(values.joined(separator: ", "))\(Suggestion.phrase(for: s, among: values))")
        }
        if isDate, !CalendarDate.isValid(s) {
            throw ValidationError(
                code: .invalidDate, field: path, message: "'\(s)' is not a real date written YYYY-MM-DD (e.g. 2024-12-15)")
        }
    }
}

extension ValidationError {
    static func wrongType(_ path: String, expected: String, got value: JSONValue) -> ValidationError {
        ValidationError(code: .wrongType, field: path, message: "expected \(expected), got \(describe(value))")
    }

    /// A value as a message shows it: its type, and short scalars themselves.
    static func describe(_ value: JSONValue) -> String {
        switch value {
        case .string(let s): return s.count <= 40 ? "string '\(s)'" : "a string"
        case .integer(let i): return "number \(i)"
        case .double(let d): return "number \(d)"
        case .bool(let b): return "boolean \(b)"
        case .null: return "nil"
        case .array: return "an array"
        case .object: return "a table of fields"
        }
    }
}
