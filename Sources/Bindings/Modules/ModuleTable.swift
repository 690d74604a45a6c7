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

    /// Sets `module[function]` to a host function.
    func add(_ function: String, _ body: @escaping (CallArguments) throws -> Int32) {
        let qualified = "\(name).\(function)"
        stack.push(function: { s in try body(CallArguments(stack: s, function: qualified)) }, name: qualified)
        stack.rawSet(-2, key: function)
    }
}
