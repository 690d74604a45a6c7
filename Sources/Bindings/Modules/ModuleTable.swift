import LuaKit

/// Builds a module's table: `add("create") { ... }` sets `module.create`.
struct ModuleTable {
    let stack: LuaStack
    /// The module's name (`jobruns`), for argument errors (`jobruns.create`).
    let name: String

    /// Pushes a new, empty module table.
    init(_ stack: LuaStack, name: String, size: Int32) {
        self.stack = stack
        self.name = name
        stack.newTable(hash: size)
    }

    /// Sets `module[function]` to a host function. `tables`: the fields its
    /// table arguments take, by position, for the prompt's completion.
    /// `answers`: its results come from the API, so the ids in them are
    /// noted for completion (when a prompt collects them).
    func add(
        _ function: String, tables: [Int: [String]] = [:], answers: Bool = false,
        _ body: @escaping (CallArguments) throws -> Int32
    ) {
        let qualified = "\(name).\(function)"
        if answers {
            stack.push(function: { s in
                let results = try body(CallArguments(stack: s, function: qualified))
                LuaCompletionHints.noteWords(in: s, count: results)
                return results
            }, name: qualified)
        } else {
            stack.push(function: { s in try body(CallArguments(stack: s, function: qualified)) }, name: qualified)
        }
        LuaCompletionHints.record(tables, forFunctionAt: -1, in: stack)
        stack.rawSet(-2, key: function)
    }
}
