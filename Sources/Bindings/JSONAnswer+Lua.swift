import JSON
import LuaKit
import ProcessesAPI
import Synchronization

extension JSONAnswer {
    /// Pushes the answer as Lua tables: parsed straight into them (no
    /// JSONValue on the way) and checked against the operation's documented
    /// shape where it stands. On an error nothing is left pushed.
    func push(onto stack: LuaStack) throws {
        if isEmpty {
            stack.pushNull()
            return
        }
        do {
            try bytes.withUnsafeBufferPointer { text in try stack.pushJSON(parsing: text) }
        } catch let failure as JSONDecodingError {
            switch failure {
            case .notJSON(let error): throw ScriptError(notJSON(error))
            case .unconvertible(let error): throw ScriptError(notJSON(error))
            case .lua(let error): throw error
            }
        }
        do throws(ProcessesAPIError) {
            try check { operation, schema in stack.fits(AnswerShapes.shape(of: operation, schema), at: stack.top) }
        } catch {
            stack.pop()
            throw ScriptError(error)
        }
    }
}

/// The answer schemas of openapi.yaml as LuaKit shapes, built once per
/// operation, read as the client reads answers (``ResponseShape``): formats
/// and closed value lists are not checked, and members the document does not
/// model are kept.
enum AnswerShapes {
    private static let shapes = Mutex<[String: LuaJSONShape]>([:])

    static func shape(of operation: String, _ schema: APISchema) -> LuaJSONShape {
        if let known = shapes.withLock({ $0[operation] }) { return known }
        let shape = LuaJSONShape(rule(schema)) { rule(APISchema.named($0)) }
        shapes.withLock { $0[operation] = shape }
        return shape
    }

    static func rule(_ schema: APISchema) -> LuaJSONShape.Rule {
        switch schema {
        case .any: return .any
        case .string: return .string
        case .integer: return .integer
        case .number: return .number
        case .boolean: return .boolean
        case .nullable(let inner): return .nullable(rule(inner))
        case .array(let element, _, _): return .array(rule(element))
        case .object(let object): return .object(object.members.map { .init($0.name, rule($0.schema), required: $0.required) })
        case .union(let discriminator, let cases): return .union(discriminator: discriminator, cases: cases.map { ($0.value, rule($0.schema)) })
        case .oneOf(let alternatives), .anyOf(let alternatives): return .anyOf(alternatives.map(rule))
        case .reference(let name): return .reference(name)
        }
    }
}
