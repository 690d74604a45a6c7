import JSON
import OpenAPIRuntime
import ProcessesAPI

extension Seed {
    /// The seed with each job's arguments in one form, as openapi.yaml's
    /// JobRunArguments asks of a sender: decoding fills both members (the
    /// known action's and the raw object), and an answer that wrote both would
    /// write every argument twice over (the raw one through untyped
    /// containers, slowly). The known form is kept when it says all the raw
    /// object does, the raw object when it says more (members no model has).
    var withOneArgumentsForm: Seed {
        var seed = self
        seed.processes = processes.map { process in
            var process = process
            process.children = process.children.map(\.withOneArgumentsForm)
            return process
        }
        seed.processRuns = processRuns.map { run in
            var run = run
            run.children = run.children.map(\.withOneArgumentsForm)
            return run
        }
        return seed
    }
}

extension Seed.Node {
    var withOneArgumentsForm: Seed.Node {
        var node = self
        node.children = children?.map(\.withOneArgumentsForm)
        if let arguments, let known = arguments.value1, let raw = arguments.value2 {
            let knownJSON = (try? CompactJSONEncoder().encode(known)).flatMap { try? JSONValue(parsing: $0) }
            let same = knownJSON != nil && knownJSON == Self.json(raw.value)
            node.arguments = same ? .init(value1: known) : .init(value2: raw)
        }
        return node
    }

    /// An untyped container's value as JSON (nil for what JSON cannot hold).
    static func json(_ value: (any Sendable)?) -> JSONValue? {
        switch value {
        case nil: return .null
        case let b as Bool: return .bool(b)
        case let s as String: return .string(s)
        case let i as Int: return .integer(Int64(i))
        case let i as Int64: return .integer(i)
        case let d as Double: return .double(d)
        case let items as [(any Sendable)?]:
            var array: [JSONValue] = []
            for item in items {
                guard let json = json(item) else { return nil }
                array.append(json)
            }
            return .array(array)
        case let members as [String: (any Sendable)?]:
            var object: [String: JSONValue] = [:]
            for (key, member) in members {
                guard let json = json(member) else { return nil }
                object[key] = json
            }
            return .object(object)
        default:
            return nil
        }
    }
}
