import JSON
import LuaKit

/// `json`: JSON text <-> Lua values, by the rules of LuaKit's bridge
/// (docs/lua-api.md, "json").
enum JSONModule {
    static func push(onto stack: LuaStack) {
        let module = ModuleTable(stack, name: "json", size: 4)
        module.add("encode") { args in
            // Compact text straight from the Lua value (CLuaShim); when the
            // value has no JSON form, the path below says what and where.
            if args.stack.isNoneOrNil(at: 2) {
                args.stack.pushJSONEncoder()
                args.stack.pushValue(at: 1)
                try args.stack.call(arguments: 1, results: 1)
                if args.stack.type(at: -1) == .string { return 1 }
                args.stack.pop()
            }
            let opts = try args.options(2, name: "opts", allowed: ["pretty"])
            let pretty = try args.bool(opts, "pretty", in: "opts") ?? false
            let value = try args.json(1, name: "value")
            args.stack.push(value.encoded(pretty: pretty))
            return 1
        }
        module.add("decode") { args in
            guard let bytes = args.stack.bytes(at: 1), args.stack.type(at: 1) == .string else {
                throw args.invalid("text", "expected a string of JSON text, got \(args.describe(1))")
            }
            let value: JSONValue
            do {
                value = try JSONValue(parsing: bytes)
            } catch {
                throw args.invalid("text", "not valid JSON: \(error)", code: .invalidValue)
            }
            do throws(JSONConversionError) {
                try args.stack.push(json: value)
            } catch {
                throw args.invalid(error.path, error.reason, code: .invalidValue)
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
