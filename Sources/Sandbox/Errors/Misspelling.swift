import Foundation
import JSON
import OpenAPIRuntime
import ProcessesAPI

/// A misspelt member of a JSON request body, as procsh's client names it:
/// `unknown field 'asignee' (did you mean 'assignee'?)`, instead of the
/// generated server's "missing required field", which it finds first.
///
/// The member names are openapi.yaml's: a present key close to the missing
/// one counts as its misspelling only when the generated types, decoding the
/// body again with the missing member filled in from it, then find that key
/// unknown (`additionalProperties: false`).
enum Misspelling {
    /// The error to answer instead of `error` (what the generated server threw
    /// for `document`), or nil when it is no misspelling.
    static func error(for error: any Error, document: JSONValue, operationID: String) -> SandboxError? {
        guard let type = RequestBodyTypes.byOperation[operationID], case .keyNotFound(let missing, let context) = decodingError(in: error),
            let found = misspelt(missing.stringValue, at: context.codingPath, in: document, type: type)
        else { return nil }
        let at = JSONPath.appending(context.codingPath, to: "body")
        return .invalid(
            "invalidRequest", "unknown field '\(found.key)' (did you mean '\(found.name)'?) in \(at)",
            target: JSONPath.member(at, found.key))
    }

    static func decodingError(in error: any Error) -> DecodingError? {
        var inner: any Error = error
        while let server = inner as? ServerError { inner = server.underlyingError }
        return inner as? DecodingError
    }

    /// The key of the object at `path` that stands for the missing member `name`, confirmed by the schema.
    static func misspelt(_ name: String, at path: [any CodingKey], in document: JSONValue, type: any Decodable.Type)
        -> (key: String, name: String)?
    {
        var filled = document
        var first: (key: String, name: String)?
        var name = name
        // Each round fills one more missing member of that object (a body may misspell several).
        for _ in 0..<16 {
            guard let object = value(at: path, in: filled)?.objectValue,
                let key = closeKey(to: name, in: object), let value = object[key]
            else { return nil }
            if first == nil { first = (key, name) }
            filled = replacing(at: path, in: filled) { $0[name] = value }
            guard let data = try? JSONEncoder().encode(filled) else { return nil }
            do {
                _ = try JSONDecoder().decode(type, from: data)
                return nil  // it decodes: the key was the schema's own
            } catch {
                switch decodingError(in: error) {
                case .keyNotFound(let next, let context)? where same(context.codingPath, path):
                    name = next.stringValue
                case .dataCorrupted(let context)?
                where context.debugDescription.hasPrefix("Additional properties are disabled")
                    && same(context.codingPath.dropLast(), path) && context.codingPath.last?.stringValue == first?.key:
                    return first
                default:
                    return nil
                }
            }
        }
        return nil
    }

    /// The key of `object` closest to `name`, if one is close enough to be its misspelling.
    static func closeKey(to name: String, in object: [String: JSONValue]) -> String? {
        let keys = object.keys.filter { $0 != name && Suggestion.closest(to: $0, among: [name]) != nil }.sorted()
        return Suggestion.closest(to: name, among: keys) ?? keys.first
    }

    static func same(_ a: some Collection<any CodingKey>, _ b: [any CodingKey]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.intValue.map(String.init) ?? $0.stringValue == $1.intValue.map(String.init) ?? $1.stringValue }
    }

    static func value(at path: [any CodingKey], in document: JSONValue) -> JSONValue? {
        var current = document
        for key in path {
            if let index = key.intValue {
                guard let item = current[index] else { return nil }
                current = item
            } else {
                guard let member = current[key.stringValue] else { return nil }
                current = member
            }
        }
        return current
    }

    /// `document` with the object at `path` changed by `change`.
    static func replacing(
        at path: [any CodingKey], in document: JSONValue, _ change: (inout [String: JSONValue]) -> Void
    ) -> JSONValue {
        guard let key = path.first else {
            guard case .object(var members) = document else { return document }
            change(&members)
            return .object(members)
        }
        let rest = Array(path.dropFirst())
        switch document {
        case .array(var items):
            guard let index = key.intValue, items.indices.contains(index) else { return document }
            items[index] = replacing(at: rest, in: items[index], change)
            return .array(items)
        case .object(var members):
            guard let member = members[key.stringValue] else { return document }
            members[key.stringValue] = replacing(at: rest, in: member, change)
            return .object(members)
        default:
            return document
        }
    }
}
