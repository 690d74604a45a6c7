import JSON
import LuaKit
import ProcessesAPI

/// Reads a binding's arguments, turning every mistake into a `validation`
/// error table that names the argument or field.
struct CallArguments {
    let stack: LuaStack
    /// The function's name as scripts write it (`jobruns.create`).
    let function: String

    /// A validation error about `field`.
    func invalid(_ field: String, _ message: String, code: ValidationError.Code = .wrongType) -> ScriptError {
        ScriptError(ValidationError(code: code, field: field, message: message))
    }

    /// Argument `index` as messages show it: `nil`, `number 5`, `number 2.5`,
    /// `string 'x'`, `boolean true`, `procsh.null`, `a table`.
    func describe(_ index: Int32) -> String {
        switch stack.type(at: index) {
        case .none, .nil: return "nil"
        case .number: return "number \(stack.numberText(at: index) ?? "?")"
        case .boolean: return "boolean \(stack.bool(at: index))"
        case .string: return stack.string(at: index).map { ValidationError.describe(.string($0)) } ?? "a string"
        case .userdata where stack.isNull(at: index): return "procsh.null"
        case let type: return "a \(type.name)"
        }
    }

    /// The JSON value of argument `index`, named `name` in errors.
    func json(_ index: Int32, name: String) throws(ScriptError) -> JSONValue {
        do {
            return try stack.json(at: index, path: name)
        } catch {
            throw ScriptError(ValidationError(code: .wrongType, field: error.path, message: error.reason))
        }
    }

    /// An id given as a string or as a table with a string `id` (what the API returned).
    func id(_ index: Int32, name: String, what: String) throws(ScriptError) -> String {
        switch stack.type(at: index) {
        case .string:
            let id = stack.string(at: index) ?? ""
            guard !id.isEmpty else { throw invalid(name, "must not be empty", code: .emptyValue) }
            return id
        case .table:
            defer { stack.pop() }
            guard stack.rawGet(index, key: "id") == .string, let id = stack.string(at: -1), !id.isEmpty else {
                throw invalid(name, "the table has no string 'id' (expected \(what) id, or a table with one)")
            }
            return id
        default:
            throw invalid(name, "expected \(what) id (a string) or a table with an 'id', got \(describe(index))")
        }
    }

    /// An id given in an options table: a string, or a table with a string `id`.
    func id(in value: JSONValue, name: String, what: String) throws(ScriptError) -> String {
        switch value {
        case .string(let id) where !id.isEmpty: return id
        case .string: throw invalid(name, "must not be empty", code: .emptyValue)
        case .object(let members):
            guard case .string(let id) = members["id"], !id.isEmpty else {
                throw invalid(name, "the table has no string 'id' (expected \(what) id, or a table with one)")
            }
            return id
        default:
            throw invalid(name, "expected \(what) id (a string) or a table with an 'id', got \(ValidationError.describe(value))")
        }
    }

    /// An optional table of options (argument `index`): its members, after
    /// checking every name is one of `allowed`.
    func options(_ index: Int32, name: String, allowed: [String]) throws(ScriptError) -> [String: JSONValue] {
        guard !stack.isNoneOrNil(at: index) else { return [:] }
        guard stack.type(at: index) == .table else {
            throw invalid(name, "expected a table of options, got \(describe(index))")
        }
        guard case .object(var members) = try json(index, name: name) else { return [:] }
        members = members.filter { $0.value != .null }  // procsh.null: not given
        for key in members.keys.sorted() where !allowed.contains(key) {
            throw invalid(
                JSONPath.member(name, key),
                "unknown option '\(key)'\(Suggestion.phrase(for: key, among: allowed)); the options are \(allowed.joined(separator: ", "))",
                code: .unknownField)
        }
        return members
    }

    /// An optional boolean option.
    func bool(_ options: [String: JSONValue], _ key: String, in name: String) throws(ScriptError) -> Bool? {
        guard let value = options[key], value != .null else { return nil }
        guard case .bool(let b) = value else {
            throw invalid(JSONPath.member(name, key), "expected a boolean, got \(ValidationError.describe(value))")
        }
        return b
    }

    /// An optional string option.
    func string(_ options: [String: JSONValue], _ key: String, in name: String) throws(ScriptError) -> String? {
        guard let value = options[key], value != .null else { return nil }
        guard case .string(let s) = value else {
            throw invalid(JSONPath.member(name, key), "expected a string, got \(ValidationError.describe(value))")
        }
        return s
    }

    /// An optional integer option within `range`.
    func integer(_ options: [String: JSONValue], _ key: String, in name: String, range: ClosedRange<Int>) throws(ScriptError) -> Int? {
        guard let value = options[key], value != .null else { return nil }
        guard let i = value.integerValue else {
            throw invalid(JSONPath.member(name, key), "expected an integer, got \(ValidationError.describe(value))")
        }
        guard range.contains(Int(i)) else {
            throw invalid(JSONPath.member(name, key), "\(i) is out of range (\(range.lowerBound)...\(range.upperBound))", code: .invalidValue)
        }
        return Int(i)
    }
}
