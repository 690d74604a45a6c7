import Foundation
import Testing

/// Interactive mode (`-i`, or the REPL after other options) with piped stdin.
/// lua5.4's readline echo is removed before comparing (see `removeReadlineEcho`).
/// Inputs avoid TAB characters (readline would treat them as completion requests) and
/// lines longer than 511 bytes (plain lua.c reads at most LUA_MAXINPUT bytes per fgets).
@Suite("Interactive mode with piped stdin")
struct InteractiveTests {

    static let replCases: [Case] = [
        Case("print", ["-i"], stdin: .text("print(1)\n")),
        Case("expression values are printed", ["-i"], stdin: .text("1+1\n'str'\nnil\ntrue\n2^53\n10//3, 10/4\n")),
        Case("multiple values", ["-i"], stdin: .text("1, nil, 'a'\n")),
        Case("=expr", ["-i"], stdin: .text("x = 5\n=x\n= x * 2, 'two'\n")),
        Case("return statement", ["-i"], stdin: .text("return 5\nreturn 1, 2\nreturn\n")),
        Case("statement prints nothing", ["-i"], stdin: .text("x = 1\nlocal y = 2\n")),
        Case("locals do not survive lines", ["-i"], stdin: .text("local a = 1\nprint(a)\n")),
        Case("continuation of an incomplete statement", ["-i"], stdin: .text("x =\n3\nprint(x)\n")),
        Case("multi-line function", ["-i"],
             stdin: .text("function f(a)\nlocal b = a * 2\nreturn b\nend\nprint(f(21))\n")),
        Case("multi-line string", ["-i"], stdin: .text("s = [[one\ntwo]]\nprint(s)\n")),
        Case("incomplete then syntax error", ["-i"], stdin: .text("x = {\n1,\n= 2\nprint('next')\n")),
        Case("empty lines", ["-i"], stdin: .text("\nprint('a')\n\n\n")),
        Case("several statements on a line", ["-i"], stdin: .text("a = 1 b = 2 print(a + b)\n")),
        Case("expression that is a call returning nothing", ["-i"], stdin: .text("print('hi')\n(function() end)()\n")),
        Case("call returning values", ["-i"], stdin: .text("string.find('hello', 'l')\nselect('#')\n")),
        Case("error('x')", ["-i"], stdin: .text("error('x')\nprint('still running')\n")),
        Case("error with level 0", ["-i"], stdin: .text("error('plain', 0)\n")),
        Case("error{}", ["-i"], stdin: .text("error{}\n")),
        Case("error(nil)", ["-i"], stdin: .text("error()\n")),
        Case("error(42)", ["-i"], stdin: .text("error(42)\n")),
        Case("error with __tostring", ["-i"],
             stdin: .text("error(setmetatable({}, {__tostring = function() return 'custom error' end}))\n")),
        Case("syntax error", ["-i"], stdin: .text("x = = 1\nprint('after')\n")),
        Case("syntax error: unfinished string", ["-i"], stdin: .text("print('abc\nprint('after')\n")),
        Case("runtime error with traceback", ["-i"],
             stdin: .text("function f() local t = nil; return t.x end\nf()\nprint('after')\n")),
        Case("runtime error in nested functions", ["-i"],
             stdin: .text("local function g() error('deep') end local function h() g() end h()\n")),
        Case("value whose __tostring fails", ["-i"],
             stdin: .text("setmetatable({}, {__tostring = function() return 1 end})\n")),
        Case("print replaced by the user", ["-i"],
             stdin: .text("print = function(...) io.write('P:', select('#', ...), '\\n') end\n1, 2\n")),
        Case("print removed", ["-i"], stdin: .text("print = nil\n1\n")),
        Case("os.exit ends the REPL", ["-i"], stdin: .text("print(1)\nos.exit(3)\nprint(2)\n")),
        Case("os.exit(true, true)", ["-i"], stdin: .text("os.exit(true, true)\n")),
        Case("io.write without newline before the prompt", ["-i"], stdin: .text("io.write('abc') x = 1\nprint('z')\n")),
        Case("stderr and stdout from REPL lines", ["-i"],
             stdin: .text("io.stderr:write('to stderr\\n') x = 1\nprint('to stdout')\n")),
        Case("no input at all", ["-i"], stdin: .null),
        Case("-i with a script", ["-i", "s.lua", "arg1"],
             stdin: .text("print(x, arg[1])\n"), files: ["s.lua": "x = 'from script' print('script ran', ...)"]),
        Case("script with -i after it is an argument", ["s.lua", "-i"],
             stdin: .text("print('not read')\n"), files: ["s.lua": "print('script', ...)"]),
        Case("-i with a failing script still enters the REPL", ["-i", "bad.lua"],
             stdin: .text("print('repl')\n"), files: ["bad.lua": "error('script failed')"]),
        Case("-i -e", ["-i", "-e", "y = 7"], stdin: .text("print(y)\n")),
        Case("-e error then -i", ["-e", "error('e failed')", "-i"], stdin: .text("print('repl')\n")),
        Case("-v -i prints the banner once", ["-v", "-i"], stdin: .text("1\n")),
        Case("-i -: stdin is the script, REPL gets EOF", ["-i", "-"], stdin: .text("print('script from stdin')\n")),
        Case("-W -i", ["-W", "-i"], stdin: .text("warn('w1')\n")),
        Case("-l then -i", ["-l", "mod", "-i"], stdin: .text("print(mod.v)\n"),
             env: ["LUA_PATH": "./?.lua"], files: ["mod.lua": "return {v = 'mod value'}"]),
        Case("LUA_INIT before the REPL", ["-i"], stdin: .text("print(initvar)\n"),
             env: ["LUA_INIT": "initvar = 'set by init' print('init')"]),
        Case("_PROMPT changed inside the REPL", ["-i"], stdin: .text("_PROMPT = 'P> '\nprint(1)\nx =\n2\n")),
        Case("_PROMPT2 changed inside the REPL", ["-i"], stdin: .text("_PROMPT2 = 'cont> '\ny =\n2\nprint(y)\n")),
        Case("_PROMPT set to a number", ["-i"], stdin: .text("_PROMPT = 42\n1\n")),
        Case("_PROMPT with __tostring", ["-i"],
             stdin: .text("_PROMPT = setmetatable({}, {__tostring = function() return 'T> ' end})\n1\n")),
    ]

    @Test("REPL", arguments: replCases)
    func repl(_ c: Case) async throws {
        try await c.compare(allowing: .interactive(prompts: ["> ", ">> ", "P> ", "cont> ", "42", "T> "]))
    }

    /// Input that ends mid-statement: procsh reports the syntax error, as lua.c
    /// does from Lua 5.4.5 on. Debian's lua5.4 (5.4.4) prints "(null)" there: its
    /// lua.c pops the message before reporting it. So only stdout is compared.
    @Test("incomplete statement at end of input reports the syntax error",
          .enabled(if: !Programs.procshIsReference, "procsh differs from lua5.4 5.4.4 here on purpose"),
          arguments: [
        ("for\n", "stdin:1: <name> expected near <eof>\n"),
        ("if true then\nprint(1)\n", "stdin:2: 'end' expected (to close 'if' at line 1) near <eof>\n"),
    ])
    func incompleteAtEndOfInput(input: String, message: String) async throws {
        let reference = try await runNormalised(try Programs.reference(), ["-i"], stdin: .text(input))
        let procsh = try await runNormalised(try Programs.procsh(), ["-i"], stdin: .text(input))
        #expect(reference.stderr == "(null)\n")
        #expect(procsh.stderr == message)
        #expect(procsh.termination == reference.termination)
        #expect(dropProcshVersionLine(procsh.stdout) == removeReadlineEcho(
            from: reference.stdout, inputLines: inputLines(of: input), prompts: Allowances.defaultPrompts))
    }

    @Test("custom _PROMPT and _PROMPT2 set with -e before -i")
    func customPrompts() async throws {
        try await compare(
            ["-e", "_PROMPT='my> ' _PROMPT2='more> '", "-i"],
            stdin: .text("x =\n1\nprint(x)\n=x + 1\nerror('e')\n"),
            allowing: .interactive(prompts: ["my> ", "more> "]))
    }

    @Test("a bare - with -e stops options; stdin is the script, not a REPL")
    func dashAfterE() async throws {
        try await compare(["-e", "print('e')", "-"], stdin: .text("print('stdin script')\n1+1\n"))
    }
}
