import CLua
import CLuaShim
import JSON

/// Why a Lua value could not become JSON, and where: `path` names the value as
/// a script would reach it, e.g. `jobs[2].arguments`.
public struct JSONConversionError: Error, CustomStringConvertible, Equatable {
    public let path: String
    public let reason: String

    /// `path` is kept as messages show it (``JSONPath/shortened(_:)``).
    public init(path: String, reason: String) {
        self.path = JSONPath.shortened(path)
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }
}

/// Why JSON text did not become a Lua value (``LuaStack/pushJSON(parsing:)``).
public enum JSONDecodingError: Error {
    /// The text is not JSON: what and where.
    case notJSON(JSONParseError)
    /// The value nests deeper than the Lua stack can hold.
    case unconvertible(JSONConversionError)
    /// Lua raised an error (out of memory).
    case lua(LuaError)
}

/// The rules between Lua values and ``JSONValue`` (docs/luakit.md has them for users):
///
/// - nil and the null sentinel are `null`; booleans and strings map to their own
///   kind (a string must be valid UTF-8); an integer stays an integer and a float
///   a double (NaN and infinities are errors).
/// - A table whose keys are exactly 1...n is an array; one whose keys are all
///   strings is an object. An empty table is an array if it carries the array
///   marker (the metatable ``LuaStack/pushArrayMarker()`` pushes), else an object.
/// - Non-string keys, tables that mix 1...n with string keys, holes, cycles,
///   functions, threads and other userdata are errors naming the path.
/// - Tables are read raw: metamethods are not called.
/// - From JSON, arrays come back carrying the array marker, so they stay arrays
///   even when empty; `null` comes back as the null sentinel.
public enum LuaJSON {
    /// How deep values may nest, either way.
    public static let maximumDepth = 1000
}

extension LuaStack {
    /// Pushes the metatable that marks a table as a JSON array.
    public func pushArrayMarker() {
        ensure(2)
        luash_push_array_marker(L)
    }

    /// Whether the table at `index` carries the array marker.
    public func isArrayMarked(at index: Int32) -> Bool {
        ensure(2)
        return luash_is_array_marked(L, index) != 0
    }

    /// The JSON value of the Lua value at `index`. `path` names that value in
    /// error messages (the root of every path).
    public func json(at index: Int32, path: String = "value") throws(JSONConversionError) -> JSONValue {
        var converter = LuaToJSON(stack: self)
        return try converter.convert(absoluteIndex(index), path: path, depth: 0)
    }

    /// Pushes the Lua value of the JSON text `bytes` (RFC 8259, strictly, as
    /// ``JSONValue/init(parsing:maximumDepth:rejectingDuplicateKeys:)`` reads
    /// it), parsed straight into Lua tables by LuaKit's C decoder: no
    /// ``JSONValue`` is built on the way. Text that is not JSON throws the
    /// error JSONValue's parser gives for it, with its line and column.
    public func pushJSON(parsing bytes: UnsafeBufferPointer<UInt8>) throws(JSONDecodingError) {
        ensure(4)
        lua_pushcclosure(L, luash_json_decode, 0)
        lua_pushlightuserdata(L, UnsafeMutableRawPointer(mutating: bytes.baseAddress))
        lua_pushinteger(L, lua_Integer(bytes.count))
        do {
            try call(arguments: 2, results: 1)
        } catch {
            throw .lua(error)  // out of memory
        }
        if type(at: -1) != .nil { return }
        pop()
        // Not JSON, or nested deeper than the Lua stack grows: JSONValue's
        // parser says what is wrong and where, or does the work.
        let value: JSONValue
        do {
            value = try JSONValue(parsing: bytes)
        } catch {
            throw .notJSON(error)
        }
        do {
            try push(json: value)
        } catch {
            throw .unconvertible(error)
        }
    }

    /// Pushes the Lua value of `value`.
    public func push(json value: JSONValue) throws(JSONConversionError) {
        try pushJSON(value, path: "value", depth: 0)
    }

    private func pushJSON(_ value: JSONValue, path: @autoclosure () -> String, depth: Int) throws(JSONConversionError) {
        guard depth <= LuaJSON.maximumDepth, canGrow(by: 4) else {
            throw JSONConversionError(path: path(), reason: "nested more than \(LuaJSON.maximumDepth) levels deep")
        }
        switch value {
        case .null: luash_push_null(L)
        case .bool(let b): lua_pushboolean(L, b ? 1 : 0)
        case .integer(let i): lua_pushinteger(L, lua_Integer(i))
        case .double(let d): lua_pushnumber(L, d)
        case .string(let s): push(s)
        case .array(let items):
            lua_createtable(L, Int32(clamping: items.count), 0)
            for (offset, item) in items.enumerated() {
                try pushJSON(item, path: JSONPath.item(path(), offset + 1), depth: depth + 1)
                lua_rawseti(L, -2, lua_Integer(offset + 1))
            }
            luash_push_array_marker(L)
            lua_setmetatable(L, -2)
        case .object(let members):
            lua_createtable(L, 0, Int32(clamping: members.count))
            for (key, member) in members {
                push(key)
                try pushJSON(member, path: JSONPath.member(path(), key), depth: depth + 1)
                lua_rawset(L, -3)
            }
        }
    }
}

/// One conversion from Lua to JSON: remembers the tables on the current path to find cycles.
private struct LuaToJSON {
    let stack: LuaStack
    var onPath: Set<UnsafeRawPointer> = []

    init(stack: LuaStack) {
        self.stack = stack
    }

    mutating func convert(_ index: Int32, path: String, depth: Int) throws(JSONConversionError) -> JSONValue {
        switch stack.type(at: index) {
        case .none, .nil:
            return .null
        case .boolean:
            return .bool(stack.bool(at: index))
        case .number:
            if let i = stack.isInteger(at: index) ? stack.integer(at: index) : nil { return .integer(i) }
            let d = stack.number(at: index)!
            guard d.isFinite else {
                throw JSONConversionError(path: path, reason: "\(d.isNaN ? "NaN" : "an infinite number") cannot be represented in JSON")
            }
            return .double(d)
        case .string:
            guard let s = stack.string(at: index) else {
                throw JSONConversionError(path: path, reason: "string is not valid UTF-8 (JSON text must be Unicode)")
            }
            return .string(s)
        case .userdata where stack.isNull(at: index):
            return .null
        case .table:
            return try convertTable(index, path: path, depth: depth)
        case let other:
            throw JSONConversionError(path: path, reason: "a \(other.name) value cannot be represented in JSON")
        }
    }

    private mutating func convertTable(_ index: Int32, path: String, depth: Int) throws(JSONConversionError) -> JSONValue {
        guard depth < LuaJSON.maximumDepth, stack.canGrow(by: 4) else {
            throw JSONConversionError(path: path, reason: "nested more than \(LuaJSON.maximumDepth) levels deep")
        }
        let identity = stack.pointer(at: index)!
        guard onPath.insert(identity).inserted else {
            throw JSONConversionError(path: path, reason: "table contains itself (a cycle)")
        }
        defer { onPath.remove(identity) }

        let shape = try classify(index, path: path)
        switch shape {
        case .array(let count):
            var items: [JSONValue] = []
            items.reserveCapacity(count)
            for i in stride(from: 1, through: count, by: 1) {
                stack.rawGet(index, index: Int64(i))
                defer { stack.pop() }
                items.append(try convert(stack.top, path: JSONPath.item(path, i), depth: depth + 1))
            }
            return .array(items)
        case .object(let count):
            var members: [String: JSONValue] = [:]
            members.reserveCapacity(count)
            stack.pushNil()
            while stack.next(index) {
                let key = stack.string(at: -2)!
                let value: JSONValue
                do {
                    value = try convert(stack.top, path: JSONPath.member(path, key), depth: depth + 1)
                } catch {
                    stack.pop(2)  // the key and the value: an error leaves the stack as it found it
                    throw error
                }
                // Lua's keys differ byte for byte; Swift's strings compare by
                // canonical equivalence ("é" precomposed or not): keep both or fail, never drop one.
                if members.updateValue(value, forKey: key) != nil {
                    stack.pop(2)
                    throw JSONConversionError(
                        path: JSONPath.member(path, key),
                        reason: "two keys are the same text in different Unicode forms (normalize them to one)")
                }
                stack.pop()
            }
            return .object(members)
        }
    }

    private enum Shape {
        case array(Int)
        case object(Int)
    }

    /// Decides array or object from the keys, or says what is wrong with them.
    private func classify(_ index: Int32, path: String) throws(JSONConversionError) -> Shape {
        let marked = stack.isArrayMarked(at: index)
        var integerKeys = 0
        var maxKey: Int64 = 0
        var stringKeys = 0
        var firstString: String?
        stack.pushNil()
        while stack.next(index) {
            switch stack.type(at: -2) {
            case .string:
                guard let key = stack.string(at: -2) else {
                    stack.pop(2)
                    throw JSONConversionError(path: path, reason: "a key is not valid UTF-8 (JSON text must be Unicode)")
                }
                stringKeys += 1
                if firstString == nil { firstString = key }
            case .number where stack.isInteger(at: -2) && stack.integer(at: -2)! >= 1:
                integerKeys += 1
                maxKey = max(maxKey, stack.integer(at: -2)!)
            default:
                let keyText = describeKey(at: -2)
                let keyType = stack.type(at: -2).name
                stack.pop(2)
                throw JSONConversionError(
                    path: "\(path)[\(keyText)]",
                    reason: "key of type \(keyType): JSON object keys must be strings, array indices 1...n")
            }
            stack.pop()
        }
        if integerKeys > 0 && stringKeys > 0 {
            throw JSONConversionError(
                path: JSONPath.member(path, firstString!),
                reason: "table mixes array items (1...\(maxKey)) with string keys; make it one or the other")
        }
        if stringKeys > 0 {
            if marked {
                throw JSONConversionError(
                    path: JSONPath.member(path, firstString!),
                    reason: "table is marked as an array but has string keys")
            }
            return .object(stringKeys)
        }
        if Int64(integerKeys) != maxKey {
            let missing = firstMissingIndex(index, upTo: maxKey)
            throw JSONConversionError(
                path: JSONPath.item(path, Int(missing)),
                reason: "array has a hole (nil) here; items must be 1...n with no gaps (n = \(maxKey))")
        }
        if integerKeys == 0 { return marked ? .array(0) : .object(0) }
        return .array(integerKeys)
    }

    private func firstMissingIndex(_ index: Int32, upTo maxKey: Int64) -> Int64 {
        var i: Int64 = 1
        while i <= maxKey {
            let t = stack.rawGet(index, index: i)
            stack.pop()
            if t == .nil { return i }
            i += 1
        }
        return maxKey + 1
    }

    /// A key as it would be written in Lua: 1.5, true, 0, -3, table: 0x...
    private func describeKey(at index: Int32) -> String {
        switch stack.type(at: index) {
        case .number, .boolean:
            return (try? stack.describe(at: index)) ?? "?"
        default:
            return stack.type(at: index).name
        }
    }
}
