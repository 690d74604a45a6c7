import JSON
import LuaKit
import ProcessesAPI

extension Schema {
    /// Checks `value` (found at `path`); throws the first thing wrong.
    func validate(_ value: JSONValue, at path: String) throws(ValidationError) {
        _ = try conformed(value, at: path)
    }

    /// `value` as the API is to get it, after checking it as ``validate(_:at:)``
    /// does. Lua has one empty table for `{}` and `[]`, which LuaKit reads as
    /// an object (it cannot know better); where the schema expects an array,
    /// an empty object is the empty array (`children = {}`).
    func conformed(_ value: JSONValue, at path: String) throws(ValidationError) -> JSONValue {
        try change(of: value, at: path) ?? value
    }

    /// Checks `value`; the value it stands for when that differs, else nil
    /// (so a value that needs no change is not copied).
    fileprivate func change(of value: JSONValue, at path: String) throws(ValidationError) -> JSONValue? {
        switch self {
        case .string(let rule):
            guard case .string(let s) = value else { throw .wrongType(path, expected: "a string", got: value) }
            try rule.validate(s, at: path)
            return nil
        case .boolean:
            guard case .bool = value else { throw .wrongType(path, expected: "a boolean", got: value) }
            return nil
        case .number:
            switch value {
            case .integer, .double: return nil
            default: throw .wrongType(path, expected: "a number", got: value)
            }
        case .any:
            return nil
        case .reference(let name):
            return try RequestSchemas.named(name).change(of: value, at: path)
        case .integer(let range):
            guard let i = value.integerValue else { throw .wrongType(path, expected: "an integer", got: value) }
            guard range.contains(i) else {
                throw ValidationError(
                    code: .invalidValue, field: path,
                    message: "\(i) is out of range (\(range.lowerBound)...\(range.upperBound))")
            }
            return nil
        case .object(let object):
            guard case .object(let members) = value else { throw .wrongType(path, expected: "a table of fields", got: value) }
            return try object.change(of: members, at: path).map(JSONValue.object)
        case .array(let item):
            if case .object(let members) = value, members.isEmpty { return .array([]) }
            guard case .array(let items) = value else { throw .wrongType(path, expected: "an array", got: value) }
            var changed: [JSONValue]?
            for (i, element) in items.enumerated() {
                if let new = try item.change(of: element, at: JSONPath.item(path, i + 1)) {
                    if changed == nil { changed = items }
                    changed![i] = new
                }
            }
            return changed.map(JSONValue.array)
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
            return try chosen.schema.change(of: value, at: path)
        case .choice(let describe, let choose):
            guard let chosen = choose(value) else { throw .wrongType(path, expected: describe, got: value) }
            return try chosen.change(of: value, at: path)
        }
    }
}

extension ObjectSchema {
    /// Checks `members`; the members they stand for when that differs
    /// (``Schema/conformed(_:at:)``), else nil.
    fileprivate func change(of members: [String: JSONValue], at path: String) throws(ValidationError) -> [String: JSONValue]? {
        let names = self.members.map(\.name)
        for key in members.keys.sorted() where !allowsOthers && member(named: key) == nil {
            throw ValidationError(
                code: .unknownField, field: JSONPath.member(path, key),
                message: "unknown field '\(key)'\(Suggestion.phrase(for: key, among: names)); the fields are \(names.joined(separator: ", "))")
        }
        var changed: [String: JSONValue]?
        for member in self.members {
            let memberPath = JSONPath.member(path, member.name)
            guard let value = members[member.name], value != .null else {
                if member.required {
                    throw ValidationError(code: .missingField, field: memberPath, message: "required, but missing")
                }
                continue
            }
            if let new = try member.schema.change(of: value, at: memberPath) {
                if changed == nil { changed = members }
                changed![member.name] = new
            }
        }
        try check?(changed ?? members, path)
        return changed
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
