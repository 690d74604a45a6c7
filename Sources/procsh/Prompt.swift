#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LuaKit
import REPL

extension Interpreter {
    /// The read-eval-print loop. On a terminal: libedit (editing, history,
    /// completion) and results printed with procsh.inspect; otherwise plain
    /// lines and `print`, exactly as lua.c.
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
        var why = ""
        let history = History.defaultPath { getenv($0).map { String(cString: $0) } }
        guard let reader = EditLineReader(historyFile: history, secrets: secrets, completer: Completer(stack: stack), why: &why) else {
            diagnostics.warning("no line editing (\(why)); reading plain lines")
            var repl = REPL(stack: stack, reader: PlainLineReader())
            repl.reportError = report
            repl.run()
            return
        }
        var repl = REPL(stack: stack, reader: reader)
        repl.reportError = report
        repl.printer = { [diagnostics] stack in Self.inspectResults(stack, diagnostics: diagnostics) }
        repl.run()
    }

    /// Prints the values on the stack with procsh.inspect, one per line.
    static func inspectResults(_ stack: LuaStack, diagnostics: Diagnostics) {
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
            do {
                try stack.call(arguments: 1, results: 1)
                Console.write((stack.lossyString(at: -1) ?? "") + "\n")
            } catch {
                diagnostics.error("error calling 'procsh.inspect' (\(error.message))")
            }
            stack.pop()
        }
    }
}
