import Foundation
import Testing

@Suite("Errors, exit status, bad options")
struct ErrorTests {

    static let scriptErrorCases: [Case] = [
        Case("syntax error", ["bad.lua"], files: ["bad.lua": "print('never')\nx = = 1\n"]),
        Case("syntax error at <eof>", ["bad.lua"], files: ["bad.lua": "function f()\n"]),
        Case("runtime error with traceback", ["bad.lua"], files: ["bad.lua": """
            local function f() error("boom") end
            local function g() f() end
            print("before")
            g()
            print("not reached")
            """]),
        Case("runtime error not raised by error()", ["bad.lua"],
             files: ["bad.lua": "local t = nil\nprint(t.x)\n"]),
        Case("arithmetic on a global", ["bad.lua"], files: ["bad.lua": "return 1 + undefinedglobal\n"]),
        Case("error with level 2", ["bad.lua"],
             files: ["bad.lua": "local function check(x) if not x then error('bad arg', 2) end end\ncheck(false)\n"]),
        Case("error{} uncaught", ["bad.lua"], files: ["bad.lua": "error{}"]),
        Case("error(nil) uncaught", ["bad.lua"], files: ["bad.lua": "error()"]),
        Case("error(true) uncaught", ["bad.lua"], files: ["bad.lua": "error(true)"]),
        Case("error(42) uncaught", ["bad.lua"], files: ["bad.lua": "error(42)"]),
        Case("error with __tostring", ["bad.lua"], files: ["bad.lua":
            "error(setmetatable({}, {__tostring = function() return 'custom message' end}))"]),
        Case("error with a __tostring that fails", ["bad.lua"], files: ["bad.lua":
            "error(setmetatable({}, {__tostring = function() return 1 end}))"]),
        Case("error inside a coroutine, rethrown", ["bad.lua"], files: ["bad.lua":
            "local co = coroutine.wrap(function() error('in co') end)\nco()\n"]),
        Case("error in a required module", ["main.lua"],
             files: ["main.lua": "require('m')", "m.lua": "local x = {} .. 1"]),
        Case("stack overflow", ["bad.lua"], files: ["bad.lua": "local function f() return 1 + f() end\nf()\n"]),
        Case("error in a __close handler", ["bad.lua"], files: ["bad.lua":
            "do local x <close> = setmetatable({}, {__close = function() error('close failed') end}) end"]),
        Case("error message with a newline and a tab", ["bad.lua"],
             files: ["bad.lua": "error('line1\\nline2\\tcol', 0)"]),
        Case("output before the error is kept", ["bad.lua"],
             files: ["bad.lua": "io.write('partial ') print('line') error('late')"]),
        Case("missing script file", ["nofile.lua"]),
        Case("missing script file with arguments", ["nofile.lua", "a", "b"]),
        Case("script is a directory", ["somedir"], files: ["somedir/keep.txt": ""]),
        Case("error in -e", ["-e", "error('x')"]),
        Case("syntax error in -e", ["-e", "x ="]),
        Case("error in the second -e stops", ["-e", "print(1)", "-e", "error('two')", "-e", "print(3)"]),
        Case("error in -e stops before the script", ["-e", "error('first')", "s.lua"], files: ["s.lua": "print('no')"]),
        Case("runtime error in -e with traceback", ["-e", "local function f() return nil .. 'x' end f()"]),
        Case("error with a table that has a __name", ["-e", "error(setmetatable({}, {__name = 'MyType'}))"]),
        Case("pcall catching an error, normal exit", ["-e", "print(pcall(error, 'caught'))"]),
    ]

    @Test("errors in scripts and -e", arguments: scriptErrorCases)
    func scriptErrors(_ c: Case) async throws {
        try await c.compare()
    }

    static let closeScript = """
        local x <close> = setmetatable({}, {__close = function() print("closed") end})
        print("body")
        """

    static let exitCases: [Case] = [
        Case("normal end", ["-e", "print('ok')"]),
        Case("os.exit()", ["-e", "print('a') os.exit() print('b')"]),
        Case("os.exit(0)", ["-e", "os.exit(0)"]),
        Case("os.exit(3)", ["-e", "os.exit(3)"]),
        Case("os.exit(255)", ["-e", "os.exit(255)"]),
        Case("os.exit(-1)", ["-e", "os.exit(-1)"]),
        Case("os.exit(false)", ["-e", "os.exit(false)"]),
        Case("os.exit(true)", ["-e", "os.exit(true)"]),
        Case("os.exit with a float integral value", ["-e", "os.exit(2.0)"]),
        Case("os.exit with a bad argument", ["-e", "os.exit('x')"]),
        Case("os.exit flushes io.write output", ["-e", "io.write('no newline') os.exit(2)"]),
        Case("os.exit in a script", ["s.lua"], files: ["s.lua": "print('s') os.exit(7)"]),
        Case("script returning false still exits 0", ["s.lua"], files: ["s.lua": "return false"]),
        Case("to-be-closed closed by os.exit(0, true)", ["s.lua"],
             files: ["s.lua": closeScript + "\nos.exit(0, true)\n"]),
        Case("to-be-closed not closed by os.exit(0)", ["s.lua"],
             files: ["s.lua": closeScript + "\nos.exit(0)\n"]),
        Case("to-be-closed closed by os.exit(5, true) keeps status", ["-e", closeScript + " os.exit(5, true)"]),
        Case("to-be-closed closed at normal end of a script", ["s.lua"], files: ["s.lua": closeScript]),
        Case("to-be-closed closed on error", ["s.lua"], files: ["s.lua": closeScript + "\nerror('after body')\n"]),
        Case("__gc runs at normal close", ["-e", "setmetatable({}, {__gc = function() print('gc at close') end})"]),
        Case("__gc runs with os.exit(0, true)",
             ["-e", "setmetatable({}, {__gc = function() print('gc at exit') end}) os.exit(0, true)"]),
        Case("__gc does not run with os.exit(0)",
             ["-e", "setmetatable({}, {__gc = function() print('gc at exit') end}) os.exit(0)"]),
        Case("__gc runs after an error", ["-e", "setmetatable({}, {__gc = function() print('gc after error') end}) error('e')"]),
    ]

    @Test("exit status and os.exit", arguments: exitCases)
    func exitStatus(_ c: Case) async throws {
        try await c.compare()
    }

    static let badOptionCases: [Case] = [
        Case("-x", ["-x"]),
        Case("-e without argument", ["-e"]),
        Case("-l without argument", ["-l"]),
        Case("-h", ["-h"]),
        Case("-vx", ["-vx"]),
        Case("-ix", ["-ix"]),
        Case("-Ex", ["-Ex"]),
        Case("-Wx", ["-Wx"]),
        Case("--x", ["--x"]),
        Case("--bogus", ["--bogus"]),
        Case("bad option after a good -e: nothing runs", ["-e", "print(1)", "-x"]),
        Case("bad option before a script", ["-y", "s.lua"], files: ["s.lua": "print('no')"]),
        Case("-e without argument after -v", ["-v", "-e"]),
        Case("-i -e without argument", ["-i", "-e"], stdin: .text("print(1)\n")),
    ]

    @Test("bad options print usage (procsh may add --help lines at the end)", arguments: badOptionCases)
    func badOptions(_ c: Case) async throws {
        try await c.compare(allowing: .usage)
    }
}
