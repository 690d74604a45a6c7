import CLua
import CLuaShim

/// What a prompt's completion may know beyond the tables it can read,
/// kept in the registry so that a library and a prompt need not know each
/// other: the fields each table argument of a function takes (given when the
/// function is made), and the words (ids) seen in values a session was given,
/// collected only once a prompt asks for them. Reading them runs no Lua code.
public enum LuaCompletionHints {
    /// registry[argumentFieldsKey]: function -> { [argument] = { names... } } (weak keys).
    static let argumentFieldsKey = "LuaKit.argumentFields"
    /// registry[seenWordsKey]: word -> true; absent until ``collectWords(in:)``.
    static let seenWordsKey = "LuaKit.seenWords"
    /// The most words kept: completion lists, it does not archive.
    public static let wordLimit = 10_000

    /// Records the fields the table arguments of the function at `index`
    /// take: `[1: ["assignee", "title"]]` for `f{ assignee = ..., title = ... }`.
    public static func record(_ fields: [Int: [String]], forFunctionAt index: Int32, in stack: LuaStack) {
        guard !fields.isEmpty else { return }
        let function = stack.absoluteIndex(index)
        pushTable(stack, key: argumentFieldsKey, weakKeys: true)
        stack.pushValue(at: function)
        stack.newTable(array: Int32(fields.keys.max() ?? 0))
        for (argument, names) in fields {
            stack.newTable(array: Int32(names.count))
            for (i, name) in names.enumerated() {
                stack.push(name)
                stack.rawSet(-2, index: Int64(i + 1))
            }
            stack.rawSet(-2, index: Int64(argument))
        }
        lua_rawset(stack.L, -3)
        stack.pop()
    }

    /// The fields recorded for argument `argument` of the function at `index`.
    public static func fields(ofFunctionAt index: Int32, argument: Int, in stack: LuaStack) -> [String] {
        let top = stack.top
        defer { stack.top = top }
        let function = stack.absoluteIndex(index)
        guard stack.rawGet(LuaStack.registry, key: argumentFieldsKey) == .table else { return [] }
        stack.pushValue(at: function)
        guard lua_rawget(stack.L, -2) == LUA_TTABLE, stack.rawGet(-1, index: Int64(argument)) == .table else { return [] }
        return (1...max(1, stack.rawLength(at: -1))).compactMap { i in
            defer { stack.pop() }
            return stack.rawGet(-1, index: i) == .string ? stack.string(at: -1) : nil
        }
    }

    /// From now on, ``noteWords(in:count:)`` keeps what it finds.
    public static func collectWords(in stack: LuaStack) {
        pushTable(stack, key: seenWordsKey, weakKeys: false)
        stack.pop()
    }

    /// The words seen so far, sorted.
    public static func seenWords(in stack: LuaStack) -> [String] {
        let top = stack.top
        defer { stack.top = top }
        guard stack.rawGet(LuaStack.registry, key: seenWordsKey) == .table else { return [] }
        var words: [String] = []
        stack.pushNil()
        while stack.next(-2) {
            if stack.type(at: -2) == .string, let word = stack.string(at: -2) { words.append(word) }
            stack.pop()
        }
        return words.sorted()
    }

    /// Keeps the ids in the top `count` values, when a prompt collects
    /// words: the strings under a key `id` or ending in `Id`, in tables
    /// nested up to 16 deep. Leaves the stack as it was.
    public static func noteWords(in stack: LuaStack, count: Int32) {
        guard count > 0 else { return }
        let top = stack.top
        defer { stack.top = top }
        guard stack.rawGet(LuaStack.registry, key: seenWordsKey) == .table else { return }
        let words = stack.top
        var kept = 0
        stack.pushNil()
        while stack.next(words) {
            kept += 1
            stack.pop()
        }
        for value in (top - count + 1)...top where stack.type(at: value) == .table {
            collect(stack, table: value, into: words, kept: &kept, depth: 0)
        }
    }

    private static func collect(_ stack: LuaStack, table: Int32, into words: Int32, kept: inout Int, depth: Int) {
        guard depth < 16, kept < wordLimit, stack.canGrow(by: 4) else { return }
        stack.pushNil()
        while stack.next(table) {
            switch stack.type(at: -1) {
            case .table:
                collect(stack, table: stack.top, into: words, kept: &kept, depth: depth + 1)
            case .string where stack.type(at: -2) == .string:
                if let key = stack.string(at: -2), key == "id" || key.hasSuffix("Id"), kept < wordLimit {
                    stack.pushValue(at: -1)
                    if lua_rawget(stack.L, words) == LUA_TNIL {
                        kept += 1
                        stack.pushValue(at: -2)
                        stack.push(true)
                        lua_rawset(stack.L, words)
                    }
                    stack.pop()
                }
            default:
                break
            }
            stack.pop()
        }
    }

    /// Pushes registry[key], made first if absent (with weak keys if asked).
    private static func pushTable(_ stack: LuaStack, key: String, weakKeys: Bool) {
        if stack.rawGet(LuaStack.registry, key: key) == .table { return }
        stack.pop()
        stack.newTable()
        if weakKeys {
            stack.newTable(hash: 1)
            stack.push("k")
            stack.rawSet(-2, key: "__mode")
            stack.setMetatable(-2)
        }
        stack.pushValue(at: -1)
        stack.rawSet(LuaStack.registry, key: key)
    }
}
