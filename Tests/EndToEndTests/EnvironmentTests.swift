import Foundation
import Testing

@Suite("Environment variables: LUA_INIT, LUA_PATH, LUA_CPATH")
struct EnvironmentTests {

    static let initFiles = [
        "init.lua": "print('init file ran', ...) initvar = 'from file'",
        "init_error.lua": "print('partial') error('error in init file')",
        "init_syntax.lua": "x = = 1",
    ]
    static let mainPrint = ["-e", "print('main', initvar)"]

    static let initCases: [Case] = [
        Case("LUA_INIT code", mainPrint, env: ["LUA_INIT": "print('init code ran') initvar = 'from code'"]),
        Case("LUA_INIT_5_4 code", mainPrint, env: ["LUA_INIT_5_4": "print('init 5.4 ran') initvar = 54"]),
        Case("LUA_INIT @file", mainPrint, env: ["LUA_INIT": "@init.lua"], files: initFiles),
        Case("LUA_INIT_5_4 @file", mainPrint, env: ["LUA_INIT_5_4": "@init.lua"], files: initFiles),
        Case("both set: LUA_INIT_5_4 wins", mainPrint,
             env: ["LUA_INIT": "print('plain init')", "LUA_INIT_5_4": "print('5.4 init')"]),
        Case("LUA_INIT_5_4 empty still wins over LUA_INIT", mainPrint,
             env: ["LUA_INIT": "print('plain init')", "LUA_INIT_5_4": ""]),
        Case("LUA_INIT empty", mainPrint, env: ["LUA_INIT": ""]),
        Case("LUA_INIT runtime error", mainPrint, env: ["LUA_INIT": "print('before') error('bad init')"]),
        Case("LUA_INIT syntax error", mainPrint, env: ["LUA_INIT": "x = = 1"]),
        Case("LUA_INIT error{}", mainPrint, env: ["LUA_INIT": "error{}"]),
        Case("LUA_INIT @missing file", mainPrint, env: ["LUA_INIT": "@missing.lua"]),
        Case("LUA_INIT_5_4 @missing file", mainPrint, env: ["LUA_INIT_5_4": "@missing.lua"]),
        Case("LUA_INIT @file with an error", mainPrint, env: ["LUA_INIT": "@init_error.lua"], files: initFiles),
        Case("LUA_INIT @file with a syntax error", mainPrint, env: ["LUA_INIT": "@init_syntax.lua"], files: initFiles),
        Case("LUA_INIT sees the arg table", ["-e", "print('main')", "s.lua", "a"],
             env: ["LUA_INIT": "print('init arg', #arg, arg[0], arg[1])"], files: ["s.lua": "print('script', ...)"]),
        Case("LUA_INIT runs before -l", ["-l", "mod"],
             env: ["LUA_INIT": "print('init first')", "LUA_PATH": "./?.lua"], files: ["mod.lua": "print('mod second')"]),
        Case("LUA_INIT runs before a stdin script", [],
             stdin: .text("print('stdin', initvar)\n"), env: ["LUA_INIT": "initvar = 'yes'"]),
        Case("LUA_INIT runs with -v", ["-v"], env: ["LUA_INIT": "print('init with -v')"]),
        Case("LUA_INIT chunkname is visible in tracebacks", mainPrint,
             env: ["LUA_INIT": "local function f() error('deep') end f()"]),
        Case("LUA_INIT with os.exit", mainPrint, env: ["LUA_INIT": "print('bye') os.exit(4)"]),
        Case("LUA_INIT with a bad option: usage first, init not run", ["-x"], env: ["LUA_INIT": "print('init')"]),
    ]

    @Test("LUA_INIT and LUA_INIT_5_4", arguments: initCases)
    func luaInit(_ c: Case) async throws {
        // "-x" prints usage (exception 2); "-v" prints the banner (exception 1).
        let allowances: Allowances =
            c.args == ["-x"] ? .usage : (c.args.contains("-v") ? .version : .exact)
        try await c.compare(allowing: allowances)
    }

    static let printPaths = ["-e", "print(package.path) print(package.cpath)"]

    static let pathCases: [Case] = [
        Case("defaults", printPaths),
        Case("LUA_PATH and LUA_CPATH with ;; in the middle", printPaths,
             env: ["LUA_PATH": "a/?.lua;;b/?.lua", "LUA_CPATH": "c/?.so;;d/?.so"]),
        Case(";; alone", printPaths, env: ["LUA_PATH": ";;", "LUA_CPATH": ";;"]),
        Case(";; at the end", printPaths, env: ["LUA_PATH": "a/?.lua;;", "LUA_CPATH": "c/?.so;;"]),
        Case(";; at the start", printPaths, env: ["LUA_PATH": ";;b/?.lua", "LUA_CPATH": ";;d/?.so"]),
        Case("two ;;", printPaths, env: ["LUA_PATH": "a;;b;;c", "LUA_CPATH": "x;;y;;z"]),
        Case("no ;; replaces the default", printPaths, env: ["LUA_PATH": "./?.lua", "LUA_CPATH": "./?.so"]),
        Case("empty values", printPaths, env: ["LUA_PATH": "", "LUA_CPATH": ""]),
        Case("_5_4 variants win", printPaths,
             env: ["LUA_PATH": "plain;;", "LUA_PATH_5_4": "v54;;", "LUA_CPATH": "plainc;;", "LUA_CPATH_5_4": "v54c;;"]),
        Case("_5_4 only", printPaths, env: ["LUA_PATH_5_4": "only54/?.lua", "LUA_CPATH_5_4": "only54/?.so"]),
        Case("require through LUA_PATH", ["-e", "print(require('m'))"],
             env: ["LUA_PATH": "./lib/?.lua"], files: ["lib/m.lua": "return 'module m', ..."]),
        Case("require through LUA_PATH_5_4", ["-e", "print(require('m'))"],
             env: ["LUA_PATH_5_4": "./lib/?.lua", "LUA_PATH": "./nothing/?.lua"], files: ["lib/m.lua": "return 'module m'"]),
        Case("require failure lists LUA_PATH and LUA_CPATH entries", ["-e", "require('nope')"],
             env: ["LUA_PATH": "./lib/?.lua;;", "LUA_CPATH": "./clib/?.so"]),
    ]

    @Test("LUA_PATH / LUA_CPATH (and _5_4) with ;; expansion", arguments: pathCases)
    func paths(_ c: Case) async throws {
        try await c.compare()
    }
}
