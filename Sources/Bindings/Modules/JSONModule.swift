import JSON
import LuaKit

/// `json`: JSON text <-> Lua values, by the rules of LuaKit's bridge
/// (docs/lua-api.md, "json").
enum JSONModule {
    static let encodeOptions = ["pretty"]

    static func push(onto stack: LuaStack) {
        let module = ModuleTable(stack, name: "json", size: 4)
        module.add("encode", tables: [2: encodeOptions]) { args in
            // Compact text straight from the Lua value (CLuaShim); when the
            // value has no JSON form, the path below says what and where.
            if args.stack.isNoneOrNil(at: 2) {
                args.stack.pushJSONEncoder()
                args.stack.pushValue(at: 1)
                try args.stack.call(arguments: 1, results: 1)
                if args.stack.type(at: -1) == .string { return 1 }
                args.stack.pop()
            }
            let opts = try args.options(2, name: "opts", allowed: encodeOptions)
            let pretty = try args.bool(opts, "pretty", in: "opts") ?? false
            let value = try args.json(1, name: "value")
            args.stack.push(value.encoded(pretty: pretty))
            return 1
        }
        module.add("decode") { args in
            guard args.stack.type(at: 1) == .string else {
                throw args.invalid("text", "expected a string of JSON text, got \(args.describe(1))")
            }
            do {
                try args.stack.withBytes(at: 1) { bytes in try args.stack.pushJSON(parsing: bytes) }
            } catch let failure as JSONDecodingError {
                switch failure {
                case .notJSON(let error): throw args.invalid("text", "not valid JSON: \(error)", code: .invalidValue)
                case .unconvertible(let error): throw args.invalid(error.path, error.reason, code: .invalidValue)
                case .lua(let error): throw error
                }
            }
            return 1
        }
        module.add("array") { args in
            if args.stack.isNoneOrNil(at: 1) {
                args.stack.newTable()
            } else {
                guard args.stack.type(at: 1) == .table else {
                    throw args.invalid("table", "expected a table, got \(args.describe(1))")
                }
                if args.stack.getMetatable(1) {
                    args.stack.pop()
                    guard args.stack.isArrayMarked(at: 1) else {
                        throw args.invalid("table", "the table already has a metatable; json.array would replace it", code: .invalidValue)
                    }
                }
                args.stack.pushValue(at: 1)
            }
            args.stack.pushArrayMarker()
            args.stack.setMetatable(-2)
            return 1
        }
        stack.pushNull()
        stack.rawSet(-2, key: "null")
    }
}
