import JSON
import LuaKit
import Logging
import ProcessesAPI

/// The Lua modules scripts use, installed as globals (`jobruns`, `processruns`,
/// `processes`, `json`, `log`, `procsh`, and with `--sandbox` `sandbox`) and as `require "procsh"` (the
/// `procsh` table, which holds the others too).
public enum Bindings {
    /// What the modules are installed with: the session scripts' calls go
    /// through (the API, the logger) and the in-process sandbox, if any.
    public struct Context {
        /// The API, and the logger `log.*` writes to (messages below its level are dropped).
        public var session: APISession
        /// The sandbox procsh runs in-process (`--sandbox`), if any.
        public var sandbox: (any SandboxControl)?

        public init(session: APISession, sandbox: (any SandboxControl)? = nil) {
            self.session = session
            self.sandbox = sandbox
        }
    }

    /// Installs the modules into `state` (whose standard libraries are open).
    public static func install(into state: LuaState, context: Context) throws(LuaError) {
        let stack = state.stack
        let top = stack.top
        defer { stack.pop(stack.top - top) }
        stack.newTable(hash: 12)  // procsh
        let procsh = stack.top

        func module(_ name: String, _ push: () throws(LuaError) -> Void) throws(LuaError) {
            try push()
            stack.pushValue(at: -1)
            stack.setGlobal(name)
            stack.rawSet(procsh, key: name)
        }
        try module("jobruns") { JobRunsModule.push(onto: stack, session: context.session) }
        try module("processruns") { () throws(LuaError) in try ProcessRunsModule.push(onto: stack, session: context.session) }
        try module("processes") { ProcessesModule.push(onto: stack, session: context.session) }
        try module("json") { JSONModule.push(onto: stack) }
        try module("log") { LogModule.push(onto: stack, logger: context.session.logger) }

        stack.push(APIVersion.procsh)
        stack.rawSet(procsh, key: "version")
        stack.push(APIVersion.current)
        stack.rawSet(procsh, key: "apiVersion")
        stack.pushNull()
        stack.rawSet(procsh, key: "null")
        stack.push(context.session.dryRun)
        stack.rawSet(procsh, key: "dryRun")
        stack.push(context.session.configuration.baseURL.absoluteString)
        stack.rawSet(procsh, key: "baseURL")
        if let control = context.sandbox {
            try module("sandbox") { SandboxModule.push(onto: stack, control: control, session: context.session) }
        }
        stack.push(function: { s in
            s.push(ScriptError.isErrorTable(at: 1, in: s))
            return 1
        }, name: "procsh.iserror")
        stack.rawSet(procsh, key: "iserror")
        stack.push(function: { s in
            let args = CallArguments(stack: s, function: "procsh.sleep")
            guard let seconds = s.number(at: 1), s.type(at: 1) == .number else {
                throw args.invalid("seconds", "expected a number of seconds, got \(args.describe(1))")
            }
            guard seconds >= 0, seconds.isFinite else {
                throw args.invalid("seconds", "\(s.numberText(at: 1) ?? "\(seconds)") is not a number of seconds, 0 or more", code: .invalidValue)
            }
            Sleep.seconds(seconds)
            return 0
        }, name: "procsh.sleep")
        stack.rawSet(procsh, key: "sleep")
        ScriptError.pushMetatable(onto: stack)
        stack.pop()
        // procsh.inspect and procsh.help are Lua, compiled on first use: most
        // runs never call them, and every run would pay for compiling them.
        stack.pushValue(at: procsh)
        stack.rawSet(LuaStack.registry, key: moduleKey)
        setLazyFunctions(
            ["inspect"], source: Inspect.source, chunk: "procsh.inspect", module: "procsh", moduleKey: moduleKey, in: procsh, onto: stack)
        setLazyFunctions(
            ["help"], source: Help.source, chunk: "procsh.help", module: "procsh", moduleKey: moduleKey, in: procsh, onto: stack
        ) { s, module in
            s.rawGet(module, key: "help")
            s.setGlobal("help")
        }
        stack.rawGet(procsh, key: "help")
        stack.setGlobal("help")

        // require "procsh" returns the same table.
        stack.pushValue(at: procsh)
        stack.setGlobal("procsh")
        if stack.getGlobal("package") == .table, (try? stack.getField(-1, "loaded")) == .table {
            stack.pushValue(at: procsh)
            stack.rawSet(-2, key: "procsh")
        }
    }

    /// The registry key of the `procsh` table (as installed; scripts may
    /// replace the global).
    static let moduleKey = "procsh.module"

    /// The registry key of the table of every stand-in
    /// (``setLazyFunctions(_:source:chunk:module:moduleKey:in:onto:afterLoad:)``)
    /// by the name scripts call it (`processruns.isgroup`): help knows a
    /// function a script kept from before its chunk was loaded.
    static let standInsKey = "procsh.standins"

    /// Sets stand-ins for the functions `names` in the table at `index` (the
    /// module scripts call `module`), which the Lua chunk `source` defines:
    /// the first call of any runs the chunk with the module table (found in
    /// the registry at `moduleKey`), an `invalid(field, message [, code])`
    /// raiser, a `shortpath(path)` function (``pushPathShortener(onto:)``) and
    /// the table of stand-ins (``standInsKey``), which replaces them all, then
    /// calls the real function. Most runs never call these, and every run
    /// would pay for compiling them at start.
    static func setLazyFunctions(
        _ names: [String], source: String, chunk: String, module publicName: String, moduleKey: String, in index: Int32,
        onto stack: LuaStack, afterLoad: @escaping @Sendable (LuaStack, Int32) -> Void = { _, _ in }
    ) {
        let table = stack.absoluteIndex(index)
        let readyKey = "\(moduleKey).\(chunk).ready"
        if stack.rawGet(LuaStack.registry, key: standInsKey) != .table {
            stack.pop()
            stack.newTable()
            stack.pushValue(at: -1)
            stack.rawSet(LuaStack.registry, key: standInsKey)
        }
        let standIns = stack.top
        defer { stack.remove(at: standIns) }
        for name in names {
            stack.push(function: { s in
                let arguments = s.top
                s.rawGet(LuaStack.registry, key: moduleKey)
                let module = s.top
                let ready = s.rawGet(LuaStack.registry, key: readyKey) != .nil
                s.pop()
                if !ready {  // a stand-in kept from before the first call must not compile the chunk again
                    try s.load(source, name: "=\(chunk)")
                    s.pushValue(at: module)
                    ScriptError.pushValidationRaiser(onto: s, name: chunk)
                    pushPathShortener(onto: s)
                    s.rawGet(LuaStack.registry, key: standInsKey)
                    try s.call(arguments: 4, results: 0)
                    s.push(true)
                    s.rawSet(LuaStack.registry, key: readyKey)
                    afterLoad(s, module)
                }
                s.rawGet(module, key: name)
                s.remove(at: module)
                s.insert(at: 1)
                try s.call(arguments: arguments, results: nil)
                return s.top
            }, name: "\(chunk).\(name)")
            stack.pushValue(at: -1)
            stack.rawSet(standIns, key: "\(publicName).\(name)")
            stack.rawSet(table, key: name)
        }
    }

    /// Pushes `shortpath(path)`: a path as messages show it
    /// (`run.children[1]...children[1]`; ``JSONPath/shortened(_:)``), for
    /// the Lua chunks that build paths into their messages.
    static func pushPathShortener(onto stack: LuaStack) {
        stack.push(function: { s in
            s.push(JSONPath.shortened(s.lossyString(at: 1) ?? ""))
            return 1
        }, name: "shortpath")
    }

    /// The error table that ended the run, read back from its fields (nil
    /// when the error was not one): what procsh's own report of the error
    /// says besides its line (`--log-format json`: kind, code, request...).
    public static func uncaughtError(in state: LuaState) -> ScriptError? {
        let stack = state.stack
        stack.rawGet(LuaStack.registry, key: LuaStack.uncaughtErrorKey)
        defer { stack.pop() }
        guard ScriptError.isErrorTable(at: -1, in: stack) else { return nil }
        return ScriptError.read(tableAt: -1, in: stack)
    }
}

/// Exit statuses (sysexits.h), chosen by what went wrong: the one list of
/// them, for procsh's own failures too. Here because a script's errors
/// choose theirs by kind (docs/lua-api.md, "Exit status").
public enum ExitStatus {
    public static let failure: Int32 = 1
    public static let usage: Int32 = 64
    public static let dataError: Int32 = 65
    public static let unavailable: Int32 = 69
    public static let temporaryFailure: Int32 = 75
    public static let noPermission: Int32 = 77

    /// The status for an error of the API or the bindings.
    public static func of(_ error: ScriptError) -> Int32 {
        switch error.kind {
        case .validation: return dataError
        case .usage: return usage
        case .auth: return noPermission
        case .timeout: return temporaryFailure
        case .transport: return unavailable
        case .api:
            switch error.error.status ?? 0 {
            case 401, 403: return noPermission
            case 429, 503: return temporaryFailure
            case 400..<500: return dataError
            default: return unavailable
            }
        }
    }
}
