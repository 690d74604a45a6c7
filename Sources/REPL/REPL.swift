import LuaKit

/// lua.c's read-eval-print loop: reads a line, compiles it first as an
/// expression (`return <line>;`) and then as a statement, asks for more lines
/// while the statement is incomplete, runs it, and prints what it returned.
public struct REPL<Reader: LineReader> {
    let stack: LuaStack
    var reader: Reader
    /// Prints the results of an input (the values on the stack); nil: with
    /// the global `print`, as lua.c.
    public var printer: ((LuaStack) -> Void)?
    /// On a terminal: the prompt's environment, results history and colours.
    public var session: PromptSession?
    /// Reports an error status and pops its message; as lua.c by default
    /// (the message and traceback, no program name in front).
    public var reportError: (LuaStack, Int32) -> Void = { stack, status in
        Console.report(stack, status: status, progname: nil)
    }

    public init(stack: LuaStack, reader: Reader) {
        self.stack = stack
        self.reader = reader
    }

    /// What reading one input gave.
    enum Loaded {
        /// A compiled function, or an error message (by the status).
        case chunk(Int32)
        /// Ctrl-C while typing: nothing to run.
        case interrupted
        case end
    }

    /// The prompts when `_PROMPT` and `_PROMPT2` are not set.
    public static var defaultPrompt: String { "> " }
    public static var defaultContinuationPrompt: String { ">> " }

    /// Runs until end of input, then ends the line as lua.c does. Errors print
    /// without the program name in front.
    public mutating func run() {
        while true {
            var status: Int32
            switch loadLine() {
            case .end:
                stack.top = 0
                Console.writeLine()
                return
            case .interrupted:
                continue
            case .chunk(let loaded):
                status = loaded
            }
            var ran = false
            if status == LuaStatus.ok {
                status = stack.callWithTraceback(arguments: 0, results: nil)
                ran = true
            }
            if status == LuaStatus.ok {
                if stack.top > 0 { session?.keep(valueAt: 1) }  // what it printed first
                printResults()
            } else {
                if ran && status == LuaStatus.runtimeError { session?.keepLastError() }
                reportError(stack, status)
            }
        }
    }

    /// Whether a load status and message mean the input stopped mid-statement
    /// (a syntax error at `<eof>`), so another line could complete it.
    public static func isIncomplete(status: Int32, message: String) -> Bool {
        status == LuaStatus.syntaxError && message.hasSuffix("<eof>")
    }

    /// The prompt: `tostring(_PROMPT)` (or `_PROMPT2` for continuation lines) if set.
    func prompt(firstLine: Bool) -> String {
        let name = firstLine ? "_PROMPT" : "_PROMPT2"
        let fallback = firstLine ? Self.defaultPrompt : Self.defaultContinuationPrompt
        stack.getGlobal(name)
        defer { stack.pop() }
        if stack.type(at: -1) == .nil { return session?.prompt(fallback) ?? fallback }
        let text = (try? stack.describe(at: -1)) ?? fallback
        return session?.prompt(text) ?? text
    }

    /// Prompts, reads a line and pushes it; `=expr` on a first line becomes `return expr`.
    mutating func pushLine(firstLine: Bool) -> LineInput {
        let input = reader.readLine(prompt: prompt(firstLine: firstLine))
        guard case .line(var line) = input else { return input }
        if firstLine && line.first == UInt8(ascii: "=") {
            line = Array("return ".utf8) + line.dropFirst()
        }
        stack.push(bytes: line)
        return .line(line)
    }

    /// Tries the line on the stack as `return <line>;`. On success the stack
    /// holds the line and the compiled function; on failure only the line.
    mutating func addReturn() -> Int32 {
        let line = stack.bytes(at: -1) ?? []
        let status = compile(Array("return ".utf8) + line + [UInt8(ascii: ";")], statement: false)
        if status == LuaStatus.ok {
            if !line.isEmpty { reader.remember(line) }
        } else {
            stack.pop()  // the error message
        }
        return status
    }

    /// Compiles the line at stack index 1, adding continuation lines while it
    /// is incomplete. Leaves the function or the error message on top (nil
    /// when Ctrl-C dropped the statement).
    mutating func multiLine() -> Int32? {
        while true {
            let line = stack.bytes(at: 1) ?? []
            let status = compile(line, statement: true)
            var next = LineInput.end
            if Self.isIncomplete(status: status, message: status == LuaStatus.ok ? "" : stack.errorMessage(at: -1)) {
                next = pushLine(firstLine: false)
            }
            if next == .interrupted { return nil }
            guard case .line = next else {
                reader.remember(line)
                return status
            }
            // The stack holds the line, the error message and the new line: join the lines.
            let joined = line + [10] + (stack.bytes(at: -1) ?? [])
            stack.top = 0
            stack.push(bytes: joined)
        }
    }

    /// Compiles an input as lua.c does, or, with a session, into the
    /// session's environment. Leaves the chunk or the error message on top.
    func compile(_ code: [UInt8], statement: Bool) -> Int32 {
        guard let session else { return stack.loadStatus(bytes: code, name: "=stdin") }
        return session.load(code, statement: statement)
    }

    /// Reads and compiles one input. Leaves exactly the function or the
    /// error message on the stack.
    mutating func loadLine() -> Loaded {
        stack.top = 0
        switch pushLine(firstLine: true) {
        case .end: return .end
        case .interrupted: return .interrupted
        case .line: break
        }
        var status = addReturn()
        if status != LuaStatus.ok {
            guard let complete = multiLine() else {
                stack.top = 0
                return .interrupted
            }
            status = complete
        }
        stack.remove(at: 1)  // the line
        return .chunk(status)
    }

    /// Prints the values on the stack with the printer, or the global `print`.
    func printResults() {
        let n = stack.top
        guard n > 0 else { return }
        if let printer {
            printer(stack)
            return
        }
        stack.getGlobal("print")
        stack.insert(at: 1)
        do {
            try stack.call(arguments: n, results: 0)
        } catch {
            Console.message(nil, "error calling 'print' (\(error.message))")
        }
    }
}
