import Foundation
import Testing

/// Prints `arg` (from -3 to #arg), `...` and `#arg`.
private let argsScript = """
    print("#arg", #arg)
    print("...", select("#", ...), ...)
    for i = -4, #arg do print(i, arg[i]) end
    """

private let argFiles = ["args.lua": argsScript]

@Suite("Command line: scripts, arg table, options")
struct CommandLineTests {

    static let scriptArgumentCases: [Case] = [
        Case("script a b", ["args.lua", "a", "b"], files: argFiles),
        Case("script without arguments", ["args.lua"], files: argFiles),
        Case("options after the script are script arguments",
             ["args.lua", "-e", "print(1)", "--", "-", "-x", "", "two words"], files: argFiles),
        Case("-e before the script", ["-e", "x=1", "args.lua", "a"], files: argFiles),
        Case("-W before the script", ["-W", "args.lua", "a"], files: argFiles),
        Case("-- before the script", ["--", "args.lua", "a", "b"], files: argFiles),
        Case("-E -W -e ... script", ["-E", "-W", "-e", "y=2", "args.lua", "z"], files: argFiles),
        Case("script in a subdirectory", ["sub/args.lua", "q"], files: ["sub/args.lua": argsScript]),
        Case("concatenated -e before the script", ["-ex=1", "-lstring", "args.lua", "a"], files: argFiles),
        Case("script name with a space", ["my script.lua", "a b"], files: ["my script.lua": argsScript]),
        Case("no script: arg from -e", ["-e", "for i = -3, #arg do print(i, arg[i]) end print(#arg, ...)"]),
        Case("-e then a non-option word is the script", ["-e", "print('e ran')", "missing.lua", "b"]),
    ]

    @Test("script arguments: arg table, ..., #arg", arguments: scriptArgumentCases)
    func scriptArguments(_ c: Case) async throws {
        try await c.compare()
    }

    static let executeCases: [Case] = [
        Case("-e stat", ["-e", "print(1)"]),
        Case("two -e", ["-e", "print(1)", "-e", "print(2)"]),
        Case("-e sharing globals", ["-e", "x = 10", "-e", "print(x * 2)"]),
        Case("concatenated -eprint(1)", ["-eprint(1)"]),
        Case("concatenated and separate mixed", ["-ex=5", "-e", "print(x)", "-eprint(x+1)"]),
        Case("-e with ... is empty", ["-e", "print(select('#', ...), ...)"]),
        Case("-e returning values prints nothing", ["-e", "return 1, 2"]),
        Case("-e runs before the script", ["-e", "print('first')", "s.lua"], files: ["s.lua": "print('second')"]),
        Case("-e with unicode and quotes", ["-e", "print(\"h\\u{e9}llo\", 'it''s')"]),
        Case("-e with multiple lines", ["-e", "local a = 1\nlocal b = 2\nprint(a + b)"]),
    ]

    @Test("-e stat", arguments: executeCases)
    func execute(_ c: Case) async throws {
        try await c.compare()
    }

    static let moduleFiles = [
        "mod.lua": "print('loading', ...)\nreturn { v = 42 }",
        "bad.lua": "error('oops in module')",
        "syn.lua": "return {",
        "lib/deep.lua": "return 'deep:' .. select(1, ...)",
    ]
    static let localPath = ["LUA_PATH": "./?.lua"]

    static let libraryCases: [Case] = [
        Case("-l mod", ["-l", "mod", "-e", "print(mod.v)"], env: localPath, files: moduleFiles),
        Case("-lmod concatenated", ["-lmod", "-e", "print(mod.v)"], env: localPath, files: moduleFiles),
        Case("-l g=mod", ["-l", "g=mod", "-e", "print(g.v, mod)"], env: localPath, files: moduleFiles),
        Case("-lg=mod concatenated", ["-lg=mod", "-e", "print(g.v, mod)"], env: localPath, files: moduleFiles),
        Case("-l and -e in order", ["-e", "print('e1')", "-l", "mod", "-e", "print('e2', mod.v)"],
             env: localPath, files: moduleFiles),
        Case("-l twice (cached)", ["-l", "mod", "-l", "m2=mod", "-e", "print(mod == m2)"],
             env: localPath, files: moduleFiles),
        Case("-l dotted name", ["-l", "lib.deep", "-e", "print(lib, _G['lib.deep'])"],
             env: ["LUA_PATH": "./?.lua"], files: moduleFiles),
        Case("-l missing module (LUA_PATH=./?.lua)", ["-l", "nomod"], env: localPath, files: moduleFiles),
        Case("-l missing module (default path)", ["-l", "nomod", "-e", "print('not reached')"]),
        Case("-l module raising an error", ["-l", "bad"], env: localPath, files: moduleFiles),
        Case("-l module with a syntax error", ["-l", "syn"], env: localPath, files: moduleFiles),
        Case("-l before a script", ["-l", "mod", "s.lua", "x"], env: localPath,
             files: moduleFiles.merging(["s.lua": "print(mod.v, ...)"]) { a, _ in a }),
        Case("-l with -E uses the default path (./?.lua is in it)",
             ["-E", "-l", "mod", "-e", "print(mod.v)"], env: ["LUA_PATH": "/nowhere/?.lua"], files: moduleFiles),
    ]

    @Test("-l mod / -l g=mod", arguments: libraryCases)
    func library(_ c: Case) async throws {
        try await c.compare()
    }

    static let versionCases: [Case] = [
        Case("-v", ["-v"]),
        Case("-v -e", ["-v", "-e", "print(1)"]),
        Case("-v twice prints once", ["-v", "-v"]),
        Case("-v with a script", ["-v", "args.lua", "a"], files: argFiles),
        Case("-v does not read stdin", ["-v"], stdin: .text("print('from stdin')\n")),
        Case("-e then -v (banner first)", ["-e", "print(1)", "-v"]),
    ]

    @Test("-v (procsh's own version line allowed first)", arguments: versionCases)
    func version(_ c: Case) async throws {
        try await c.compare(allowing: .version)
    }

    static let ignoreEnvironmentCases: [Case] = [
        Case("-E ignores LUA_INIT", ["-E", "-e", "print('main')"], env: ["LUA_INIT": "print('init ran')"]),
        Case("-E ignores LUA_INIT_5_4", ["-E", "-e", "print('main')"], env: ["LUA_INIT_5_4": "print('init ran')"]),
        Case("-E ignores LUA_PATH/LUA_CPATH", ["-E", "-e", "print(package.path) print(package.cpath)"],
             env: ["LUA_PATH": "x/?.lua;;", "LUA_CPATH": "y/?.so;;"]),
        Case("-E ignores LUA_PATH_5_4/LUA_CPATH_5_4", ["-E", "-e", "print(package.path) print(package.cpath)"],
             env: ["LUA_PATH_5_4": "x/?.lua", "LUA_CPATH_5_4": "y/?.so"]),
        Case("-E after -e still applies", ["-e", "print(package.path)", "-E"], env: ["LUA_PATH": "x/?.lua", "LUA_INIT": "print('init ran')"]),
        Case("-E leaves os.getenv alone", ["-E", "-e", "print(os.getenv('LUA_INIT'))"], env: ["LUA_INIT": "x=1"]),
        Case("-E sets registry LUA_NOENV", ["-E", "-e", "print(debug.getregistry().LUA_NOENV)"]),
        Case("without -E: LUA_NOENV unset", ["-e", "print(debug.getregistry().LUA_NOENV)"]),
    ]

    @Test("-E ignores environment variables", arguments: ignoreEnvironmentCases)
    func ignoreEnvironment(_ c: Case) async throws {
        try await c.compare()
    }

    static let warningCases: [Case] = [
        Case("-W warn('hi')", ["-W", "-e", "warn('hi')"]),
        Case("warnings off by default", ["-e", "warn('hi') print('done')"]),
        Case("-W multi-part message", ["-W", "-e", "warn('a', 'b', 'c')"]),
        Case("@on / @off control messages", ["-e", "warn('@on') warn('x') warn('@off') warn('y') warn('@on') warn('z')"]),
        Case("-W with stdout interleaving", ["-W", "-e", "print(1) warn('w') print(2)"]),
        Case("-W warning from a __gc at close", ["-W", "-e", "setmetatable({}, {__gc = function() error('in gc') end})"]),
        Case("warn with a non-string", ["-W", "-e", "warn(1)"]),
    ]

    @Test("-W turns warnings on", arguments: warningCases)
    func warnings(_ c: Case) async throws {
        try await c.compare()
    }

    static let stdinScriptCases: [Case] = [
        Case("- a b: arg table", ["-", "a", "b"],
             stdin: .text("print(#arg, ...)\nfor i = -2, #arg do print(i, arg[i]) end\n")),
        Case("-e x=1 - a", ["-e", "x=1", "-", "a"], stdin: .text("print(x, arg[0], arg[1], ...)\n")),
        Case("- with a #! line", ["-"], stdin: .text("#!/usr/bin/env lua\nprint('shebang ok')\nerror('line 3')\n")),
        Case("- with a runtime error", ["-"], stdin: .text("print('before')\nerror('x')\n")),
        Case("- with a syntax error", ["-"], stdin: .text("x = = 1\n")),
        Case("- with empty stdin", ["-"], stdin: .null),
        Case("- - : second - is an argument", ["-", "-"], stdin: .text("print(...)\n")),
        Case("- after -v", ["-v", "-"], stdin: .text("print('ran')\n")),
        Case("-- then - (stdin)", ["--", "-", "z"], stdin: .text("print(arg[0], ...)\n")),
    ]

    @Test("- executes stdin", arguments: stdinScriptCases)
    func stdinScript(_ c: Case) async throws {
        try await c.compare(allowing: .version)
    }

    static let dashDashCases: [Case] = [
        Case("-- -script.lua", ["--", "-script.lua", "a"],
             files: ["-script.lua": "print('dash script', ...)"]),
        Case("-- x.lua", ["--", "x.lua", "-e"], files: ["x.lua": "print('x', ...)"]),
        Case("-- alone runs stdin", ["--"], stdin: .text("print('from stdin', #arg)\n")),
        Case("-e ... -- does not run stdin", ["-e", "print('e')", "--"], stdin: .text("print('from stdin')\n")),
        Case("-- -e is a script name", ["--", "-e"]),
    ]

    @Test("-- stops handling options", arguments: dashDashCases)
    func dashDash(_ c: Case) async throws {
        try await c.compare()
    }

    static let implicitStdinCases: [Case] = [
        Case("echo 'print(1)' | procsh", [], stdin: .text("print(1)\n")),
        Case("several statements", [], stdin: .text("local t = {}\nfor i = 1, 3 do t[#t+1] = i * i end\nprint(table.concat(t, ','))\n")),
        Case("no trailing newline", [], stdin: .text("print('no newline')")),
        Case("#! line on stdin", [], stdin: .text("#!/usr/bin/lua5.4\nprint('after shebang')\n")),
        Case("# comment first line on stdin", [], stdin: .text("# just a comment\nprint(2)\n")),
        Case("stdin arg table and ...", [], stdin: .text("print(#arg, arg[0], select('#', ...))\n")),
        Case("stdin chunk error", [], stdin: .text("print('a')\nlocal x = nil + 1\n")),
        Case("stdin syntax error", [], stdin: .text("print('a'\n")),
        Case("empty stdin (/dev/null)", [], stdin: .null),
        Case("stdin return value ignored", [], stdin: .text("return 7\n")),
        Case("-E with stdin", ["-E"], stdin: .text("print('E stdin')\n")),
        Case("-W with stdin", ["-W"], stdin: .text("warn('stdin warning')\n")),
        Case("-l with stdin", ["-l", "string"], stdin: .text("print(string == _G.string)\n")),
        Case("-e does not read stdin", ["-e", "print('only e')"], stdin: .text("print('from stdin')\n")),
        Case("UTF-8 text on stdin", [],
             stdin: .text("print('caf\u{e9}')\n")),
    ]

    @Test("stdin is run as a file when there is no script and it is not a tty",
          arguments: implicitStdinCases)
    func implicitStdin(_ c: Case) async throws {
        try await c.compare()
    }

    static let shebangCases: [Case] = [
        Case("#! line in a script", ["sb.lua", "x"],
             files: ["sb.lua": "#!/usr/bin/env lua5.4\nprint('hi', ...)\n"]),
        Case("#! line: error line numbers stay right", ["sb.lua"],
             files: ["sb.lua": "#!/usr/bin/lua5.4\nprint('line 2')\nerror('line 3')\n"]),
        Case("# first line without !", ["sb.lua"], files: ["sb.lua": "# comment\nprint('ok')\n"]),
        Case("#! only", ["sb.lua"], files: ["sb.lua": "#!/usr/bin/lua5.4"]),
        Case("script without trailing newline", ["s.lua"], files: ["s.lua": "print('eof')"]),
        Case("empty script", ["s.lua"], files: ["s.lua": ""]),
        Case("script with CRLF line ends", ["s.lua"], files: ["s.lua": "print(1)\r\nprint(2)\r\n"]),
    ]

    @Test("script files (#! first line, odd files)", arguments: shebangCases)
    func scriptFiles(_ c: Case) async throws {
        try await c.compare()
    }
}
