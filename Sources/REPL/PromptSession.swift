import LuaKit

/// What the prompt adds to lua.c's loop on a terminal: its own environment,
/// where top-level locals survive their line (``PromptLocals``) and the
/// results history lives (`_` the last value, `_1` … `_9` the last nine,
/// newest first: the first value an input printed, or the error it raised); the colours of the prompt and of errors.
/// Piped input has none of it: it runs exactly as lua.c.
///
/// The environment reads through to the globals, and an assignment to a
/// name it does not hold goes to the globals: `x = 1` at the prompt is the
/// global `x` a script's functions see, as in lua.c.
public final class PromptSession {
    let stack: LuaStack
    /// Colours, as ANSI escapes; nil: plain text.
    public let colours: Colours?
    static let environmentKey = "REPL.environment"
    static let declaredKey = "REPL.declared"
    /// How many values the history keeps (`_1` … `_9`).
    public static let historyLength = 9

    public struct Colours: Sendable {
        public var prompt = "\u{1B}[1;32m"
        public var error = "\u{1B}[31m"
        public static let reset = "\u{1B}[0m"
        public init() {}
    }

    public init(stack: LuaStack, colours: Colours?) throws(LuaError) {
        self.stack = stack
        self.colours = colours
        try stack.load(Self.environmentSource, name: "=prompt")
        try stack.call(results: 2)
        stack.rawSet(LuaStack.registry, key: Self.declaredKey)
        stack.rawSet(LuaStack.registry, key: Self.environmentKey)
    }

    /// The environment's table, and the set of names declared in it.
    static let environmentSource = """
        local G, rawset, setmetatable = _G, rawset, setmetatable
        local declared = {}
        local env = setmetatable({}, {
          __index = G,
          __newindex = function(t, k, v) if declared[k] then rawset(t, k, v) else G[k] = v end end,
        })
        return env, declared
        """

    /// Compiles an input: `code` as it is (an expression), or with its
    /// top-level locals made the environment's (a statement), into a chunk
    /// that runs in the environment. Returns the load status; the chunk or
    /// the error message is on top.
    func load(_ code: [UInt8], statement: Bool) -> Int32 {
        let (source, names) = statement ? PromptLocals.rewrite(code) : (code, [])
        let status = stack.loadStatus(bytes: source, name: "=stdin")
        guard status == LuaStatus.ok else { return status }
        declare(names)
        stack.rawGet(LuaStack.registry, key: Self.environmentKey)
        stack.setEnvironment(ofChunkAt: -2)
        return status
    }

    /// Makes `names` the environment's own variables.
    func declare(_ names: [String]) {
        guard !names.isEmpty else { return }
        stack.rawGet(LuaStack.registry, key: Self.declaredKey)
        for name in names {
            stack.push(true)
            stack.rawSet(-2, key: name)
        }
        stack.pop()
    }

    /// Keeps the value at `index` as `_` and `_1`, moving the older ones down.
    func keep(valueAt index: Int32) {
        let value = stack.absoluteIndex(index)
        declare(["_"] + (1...Self.historyLength).map { "_\($0)" })
        stack.rawGet(LuaStack.registry, key: Self.environmentKey)
        for n in stride(from: Self.historyLength, to: 1, by: -1) {
            stack.rawGet(-1, key: "_\(n - 1)")
            stack.rawSet(-2, key: "_\(n)")
        }
        stack.pushValue(at: value)
        stack.rawSet(-2, key: "_1")
        stack.pushValue(at: value)
        stack.rawSet(-2, key: "_")
        stack.pop()
    }

    /// Keeps the error value the last failed call raised (an error table
    /// stays a table: `_.kind`, `_.status`).
    func keepLastError() {
        stack.rawGet(LuaStack.registry, key: LuaStack.uncaughtErrorKey)
        keep(valueAt: -1)
        stack.pop()
    }

    /// The prompt in its colour; the escapes are marked (readline's `\1`
    /// ... `\2`) as taking no room on the line. The reset goes before the
    /// last character: libedit drops an escape that ends the prompt.
    func prompt(_ text: String) -> String {
        guard let colours, let last = text.indices.last else { return text }
        let head = text[..<last].reversed().drop { $0 == " " }.reversed()  // "> " colours ">"
        let cut = head.isEmpty ? last : text.index(text.startIndex, offsetBy: head.count)
        return "\u{1}\(colours.prompt)\u{2}\(text[..<cut])\u{1}\(Colours.reset)\u{2}\(text[cut...])"
    }
}
