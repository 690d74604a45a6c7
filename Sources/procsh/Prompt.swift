#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LuaKit
import REPL

extension Interpreter {
    /// The read-eval-print loop. On a terminal: libedit (editing, history,
    /// completion that knows the API), the prompt's own environment (locals
    /// that survive, `_` and `_1` … `_9`), results printed with
    /// procsh.inspect, colours unless NO_COLOR; otherwise plain lines and
    /// `print`, exactly as lua.c.
    func runREPL() {
        let report = { [diagnostics] (stack: LuaStack, status: Int32) in
            diagnostics.report(stack, status: status, showingName: false)
            return
        }
        guard isatty(0) != 0 else {
            var repl = REPL(stack: stack, reader: PlainLineReader())
            repl.reportError = report
            repl.run()
            return
        }
        let colours = Self.wantsColour { getenv($0).map { String(cString: $0) } } ? PromptSession.Colours() : nil
        var session: PromptSession?
        do {
            session = try PromptSession(stack: stack, colours: colours)
        } catch {
            diagnostics.warning("the prompt keeps no locals nor results (\(error.message))")
        }
        LuaCompletionHints.collectWords(in: stack)
        var why = ""
        let history = History.defaultPath { getenv($0).map { String(cString: $0) } }
        if let reader = EditLineReader(historyFile: history, secrets: secrets, completer: Completer(stack: stack), why: &why) {
            runTerminalREPL(reader: reader, session: session, report: report)
        } else {
            diagnostics.warning("no line editing (\(why)); reading plain lines")
            runTerminalREPL(reader: PlainLineReader(), session: session, report: report)
        }
    }

    private func runTerminalREPL<Reader: LineReader>(
        reader: Reader, session: PromptSession?, report: @escaping (LuaStack, Int32) -> Void
    ) {
        var repl = REPL(stack: stack, reader: reader)
        repl.session = session
        let colours = session?.colours
        repl.reportError = { stack, status in
            guard let colours, isatty(2) != 0 else { return report(stack, status) }
            Console.writeError(colours.error)
            report(stack, status)
            Console.writeError(PromptSession.Colours.reset)
        }
        repl.printer = { [diagnostics] stack in Self.inspectResults(stack, colour: colours != nil, diagnostics: diagnostics) }
        repl.run()
    }

    /// Colours on a terminal, unless NO_COLOR is set to anything (no-color.org) or TERM is dumb.
    static func wantsColour(_ environment: (String) -> String?) -> Bool {
        if let value = environment("NO_COLOR"), !value.isEmpty { return false }
        if environment("TERM") == "dumb" { return false }
        return isatty(1) != 0
    }

    /// Prints the values on the stack with procsh.inspect, one per line (in colour if asked).
    static func inspectResults(_ stack: LuaStack, colour: Bool, diagnostics: Diagnostics) {
        let n = stack.top
        for i in 1...n {
            guard stack.getGlobal("procsh") == .table, (try? stack.getField(-1, "inspect")) == .function else {
                stack.pop(stack.top - n)
                stack.getGlobal("print")
                stack.insert(at: 1)
                try? stack.call(arguments: n, results: 0)
                return
            }
            stack.remove(at: -2)
            stack.pushValue(at: i)
            var arguments: Int32 = 1
            if colour {
                stack.newTable(hash: 1)
                stack.push(true)
                stack.rawSet(-2, key: "color")
                arguments = 2
            }
            do {
                try stack.call(arguments: arguments, results: 1)
                Console.write((stack.lossyString(at: -1) ?? "") + "\n")
            } catch {
                diagnostics.error("error calling 'procsh.inspect' (\(error.message))")
            }
            stack.pop()
        }
    }
}
