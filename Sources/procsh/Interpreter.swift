#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Bindings
import Foundation
import LuaKit
import REPL

/// lua.c's stand-alone interpreter, over LuaKit: `main` runs `pmain` as a
/// protected Lua call, so every chunk runs as lua.c runs it (with the same
/// traceback, down to its bottom `[C]: in ?` line).
final class Interpreter {
    let argv: [UnsafeMutablePointer<CChar>]
    let words: [String]
    /// The name put in front of error messages: argv[0], as lua.c does.
    let progname: String
    let state: LuaState
    var stack: LuaStack { state.stack }
    /// The exit status if the run fails: 1, or what an uncaught error table's
    /// kind says (``ExitStatus``), or 64 for a bad option.
    var failureStatus = EXIT_FAILURE
    /// Texts the prompt's history must never keep (the client secret).
    var secrets: [String] = []
    /// How procsh's own messages and uncaught errors are written (text, or
    /// one JSON object per line under `--log-format json`).
    var diagnostics: Diagnostics

    init(argv: [UnsafeMutablePointer<CChar>]) {
        self.argv = argv
        self.words = argv.map { String(cString: $0) }
        self.progname = words.first.flatMap { $0.isEmpty ? nil : $0 } ?? "procsh"
        self.state = LuaState(openLibraries: false)
        self.diagnostics = Diagnostics(progname: progname)
    }

    /// Runs the command line; returns the exit status.
    func main() -> Int32 {
        stack.setCollector(.stopped)  // no collection while building the state
        stack.push(function: { [unowned self] s in
            s.push(self.pmain())
            return 1
        }, name: "pmain")
        // lua.c passes argc and argv to its pmain: the same two arguments keep
        // the Lua stack exactly as deep (tracebacks count the levels left).
        stack.push(argv.count)
        stack.pushNil()
        let status = stack.callStatus(arguments: 2, results: 1)
        let succeeded = status == LuaStatus.ok && stack.bool(at: -1)
        diagnostics.report(stack, status: status)
        return succeeded ? EXIT_SUCCESS : failureStatus
    }

    /// The interpreter's body: reads the options and acts on them in lua.c's order.
    func pmain() -> Bool {
        let flags: Arguments.Flags
        let script: Int
        var options = RunOptions()
        let outcome = Arguments.collect(words, options: &options)
        diagnostics.json = Diagnostics.prefersJSON(options) { getenv($0).map { String(cString: $0) } }
        switch outcome {
        case .badOption(let index):
            startPings(options.pingURL, options)
            if diagnostics.json {
                diagnostics.error(Usage.badOption(words[index]), metadata: ["hint": "'\(progname) --help' lists the options"])
            } else {
                Usage.printBadOption(words[index], progname: progname)
            }
            return false
        case .badValue(let option, let message):
            startPings(options.pingURL, options)
            diagnostics.error("\(option): \(message)")
            failureStatus = ExitStatus.usage
            return false
        case .run(let f, let s):
            (flags, script) = (f, s)
        }
        let ending = Ending(flags: flags, script: script)
        if case .prompt = ending {
            let why = [
                (options.quietOnSuccess, "--quiet-on-success", "a prompt's output cannot wait for the end of the run"),
                (options.pingURL != nil, "--ping-url", "a prompt is not a run a monitor waits for"),
            ].first { $0.0 }
            if let (_, option, reason) = why {  // the prompt never pings
                diagnostics.error("\(option): only for runs without the prompt (a script, -e, or standard input): \(reason)")
                failureStatus = ExitStatus.usage
                return false
            }
        }
        // The output is held before the pings start: they read the held
        // standard error then (StandardErrorTail).
        if options.quietOnSuccess, let problem = OutputHold.start() {
            startPings(options.pingURL, options)
            diagnostics.error(problem)
            failureStatus = ExitStatus.unavailable
            return false
        }
        if flags.contains(.help) {
            Console.write(Usage.help(progname: progname))
            return true
        }
        if flags.contains(.procshVersion) {
            printVersion()
            return true
        }
        startPings(options.pingURL, options)
        // Every run reads the configuration here, before the lock and any
        // code: its profile says how procsh reports (the log's format and
        // level), and a mistake in it stops the run now, whatever the script.
        guard let settings = resolveSettings(options) else {
            return false
        }
        diagnostics.json = settings.logFormat.value == .json
        diagnostics.level = settings.logLevel.value
        if case .prompt = ending {} else {  // a profile's ping URL is for its unattended runs
            startPings(settings.pingURL?.value, options)
        }
        RunEnd.pings?.diagnostics = diagnostics
        RunEnd.pings?.redaction = Redaction(settings)
        if options.runID != nil && RunEnd.pings == nil {
            diagnostics.error("--run-id: needs a ping URL (--ping-url URL, \(ProcshOption.pingURL.variable!), or ping-url in the profile)")
            failureStatus = ExitStatus.usage
            return false
        }
        if !applyRunLimits(options) {
            return false
        }
        if flags.contains(.version) {
            printVersion()
        }
        if flags.contains(.ignoreEnvironment) {  // libraries then ignore LUA_PATH and LUA_CPATH
            stack.push(true)
            stack.rawSet(LuaStack.registry, key: "LUA_NOENV")
        }
        state.openLibraries()
        if OutputHold.isHolding || RunEnd.pings != nil {
            do {
                try RunEnd.wrapExit(of: stack)
            } catch {
                diagnostics.error("cannot wrap os.exit (for --quiet-on-success or --ping-url): \(error)")
                return false
            }
        }
        createArgTable(script: script)
        if !installBindings(settings, options: options) {
            return false
        }
        stack.setCollector(.generational)
        if !flags.contains(.ignoreEnvironment) && handleLuaInit() != LuaStatus.ok {
            return false
        }
        if !runArguments(upTo: script > 0 ? script : argv.count) {
            return false
        }
        if script > 0 && handleScript(at: script) != LuaStatus.ok {
            return false
        }
        switch ending {
        case .prompt(let banner):
            if banner { printVersion() }
            runREPL()
        case .standardInput:
            _ = doFile(nil)  // standard input runs as a script
        case .nothing:
            break
        }
        return true
    }

    /// What a run does after its script, as lua.c decides: the prompt (`-i`,
    /// or nothing to run and a terminal, then with the version banner),
    /// standard input as a script (nothing to run, no terminal), or nothing.
    enum Ending {
        case prompt(banner: Bool)
        case standardInput
        case nothing

        init(flags: Arguments.Flags, script: Int) {
            if flags.contains(.interactive) {
                self = .prompt(banner: false)
            } else if script < 1 && flags.isDisjoint(with: [.execute, .version]) {
                self = isatty(0) != 0 ? .prompt(banner: true) : .standardInput
            } else {
                self = .nothing
            }
        }
    }

    /// The run's pings (`--ping-url`), from here to its end, once procsh
    /// knows their URL: they keep standard error from here on, so a run
    /// that fails now still reports why. Nothing without a URL.
    func startPings(_ url: URL?, _ options: RunOptions) {
        guard let url, RunEnd.pings == nil else { return }
        RunEnd.pings = HealthPings(check: url, runID: options.runID, diagnostics: diagnostics, redaction: Redaction(secrets: Redaction.secrets(of: url)))
    }

    /// The run's settings: the options, the environment and the profile
    /// (the config file is read here). Nil, with the reason printed, if they
    /// are wrong.
    func resolveSettings(_ options: RunOptions) -> Settings? {
        do {
            let settings = try Settings.resolve(options) { getenv($0).map { String(cString: $0) } }
            secrets = Redaction(settings).secrets
            return settings
        } catch {
            diagnostics.error(error.message)
            failureStatus = error.status
            return nil
        }
    }

    /// The API modules, connected as the settings say (`--sandbox` starts the
    /// sandbox here). False, with the reason printed, if that fails.
    func installBindings(_ settings: Settings, options: RunOptions) -> Bool {
        do {
            try Bindings.install(into: state, context: BindingsContext.make(settings, options: options))
            return true
        } catch let failure as Settings.Failure {
            diagnostics.error(failure.message)
            failureStatus = failure.status
        } catch {
            diagnostics.error("cannot set up the API modules: \(error)")
        }
        return false
    }

    /// `--lock`, the start ping (`--ping-url`), `--timeout`, `--memory-limit` and
    /// `--jitter`. False, with the reason printed, if the run must not go on
    /// (the lock is held, say).
    func applyRunLimits(_ options: RunOptions) -> Bool {
        if let path = options.lock {
            do {
                try RunLock.acquire(path, wait: options.lockWait ?? 0)
            } catch {
                // Another run is busy: not a failure of this job (that run pings its own end).
                if error.status == ExitStatus.temporaryFailure { RunEnd.pings?.didNotRun() }
                diagnostics.error(error.message)
                failureStatus = error.status
                return false
            }
        } else if options.lockWait != nil {
            diagnostics.error("--lock-wait: needs --lock FILE")
            failureStatus = ExitStatus.usage
            return false
        }
        // The run has started once it holds its lock: --jitter's wait is part of it.
        RunEnd.pings?.start()
        if let seconds = options.timeout {
            stack.armDeadline(seconds: seconds, message: "timeout: the run took longer than --timeout \(Seconds.text(seconds))")
        }
        if let bytes = options.memoryLimit {
            state.memoryLimit = bytes
        }
        if let jitter = options.jitter, jitter > 0 {
            return waitOutJitter(jitter, timeout: options.timeout)
        }
        return true
    }

    /// `--jitter S`: a random wait of 0 to S seconds, after the lock is held
    /// and inside `--timeout`, whose end stops it (status 75). Ctrl-C ends
    /// the process, as before any Lua code runs (lua.c's own handler is set
    /// only while code runs).
    func waitOutJitter(_ jitter: Double, timeout: Double?) -> Bool {
        let wait = Double.random(in: 0...jitter)
        diagnostics.debug(
            "--jitter \(Seconds.text(jitter)): waiting \(String(format: "%.3f", wait)) s before the run starts",
            metadata: ["wait": "\(wait)"])
        Sleep.seconds(wait)
        guard LuaInterrupts.deadlinePassed else { return true }
        diagnostics.error("timeout: the run took longer than --timeout \(Seconds.text(timeout ?? 0)) (it was waiting out --jitter)")
        failureStatus = ExitStatus.temporaryFailure
        return false
    }

    /// Reports a chunk's outcome; a failure sets the exit status.
    @discardableResult
    func report(_ status: Int32) -> Int32 {
        let error = status == LuaStatus.runtimeError ? Bindings.uncaughtError(in: state) : nil
        if LuaInterrupts.deadlinePassed && status != LuaStatus.ok {
            failureStatus = ExitStatus.temporaryFailure
        } else if status == LuaStatus.runtimeError {
            failureStatus = error.map(ExitStatus.of) ?? EXIT_FAILURE
        } else if status != LuaStatus.ok {
            failureStatus = EXIT_FAILURE
        }
        return diagnostics.report(stack, status: status, error: error, exitStatus: status == LuaStatus.ok ? nil : failureStatus)
    }

    /// `-v`: procsh's line, then Lua's as lua.c prints it.
    func printVersion() {
        Console.write(Version.line)
        Console.writeLine()
        Console.write(Version.luaLine)
        Console.writeLine()
    }

    /// The `arg` table: the script at 0, its arguments at 1..n, everything
    /// before it (the interpreter and its options) at negative indices.
    func createArgTable(script: Int) {
        stack.newTable(array: Int32(argv.count - (script + 1)), hash: Int32(script + 1))
        for (i, word) in argv.enumerated() {
            stack.push(cString: word)
            stack.rawSet(-2, index: Int64(i - script))
        }
        stack.setGlobal("arg")
    }

    /// Runs a loaded chunk (or reports why it did not load).
    func doChunk(_ status: Int32) -> Int32 {
        var status = status
        if status == LuaStatus.ok { status = stack.callWithTraceback() }
        return report(status)
    }

    /// Loads and runs a file (nil: standard input).
    func doFile(_ path: UnsafePointer<CChar>?) -> Int32 {
        doChunk(stack.loadFileStatus(path))
    }

    /// Loads and runs a string under the chunk name `name`.
    func doString(_ code: UnsafePointer<CChar>, name: String) -> Int32 {
        doChunk(stack.loadStatus(UnsafeBufferPointer(start: code, count: strlen(code)), name: name))
    }

    /// `-l [g=]mod`: `g = require(mod)`.
    func doLibrary(_ spec: String) -> Int32 {
        let parts = spec.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        let global = String(parts[0])
        let module = parts.count > 1 ? String(parts[1]) : global
        stack.getGlobal("require")
        stack.push(module)
        let status = stack.callWithTraceback(arguments: 1, results: 1)
        if status == LuaStatus.ok { stack.setGlobal(global) }
        return report(status)
    }

    /// Runs `-e` and `-l` in order, and turns warnings on for `-W`. False if code failed.
    func runArguments(upTo limit: Int) -> Bool {
        var i = 1
        while i < limit {
            if words[i].hasPrefix("--") {  // procsh's own, read by Arguments
                i += Arguments.takesNextWord(words[i]) ? 2 : 1
                continue
            }
            let word = Array(words[i].utf8)
            switch word[1] {
            case UInt8(ascii: "e"), UInt8(ascii: "l"):
                let option = word[1]
                var value = argv[i] + 2
                if value.pointee == 0 {
                    i += 1
                    value = argv[i]
                }
                let status =
                    option == UInt8(ascii: "e")
                    ? doString(value, name: "=(command line)")
                    : doLibrary(String(cString: value))
                if status != LuaStatus.ok { return false }
            case UInt8(ascii: "W"):
                stack.warn("@on")
            default:
                break
            }
            i += 1
        }
        return true
    }

    /// `LUA_INIT_5_4` or else `LUA_INIT`: code, or `@file` to run a file.
    func handleLuaInit() -> Int32 {
        var name = "=LUA_INIT_5_4"
        var value = getenv("LUA_INIT_5_4")
        if value == nil {
            name = "=LUA_INIT"
            value = getenv("LUA_INIT")
        }
        guard let value else { return LuaStatus.ok }
        if value.pointee == CChar(UInt8(ascii: "@")) { return doFile(value + 1) }
        return doString(value, name: name)
    }

    /// Runs the script at `index` with the rest of the words as its arguments (`...`).
    func handleScript(at index: Int) -> Int32 {
        let isStdin = words[index] == "-" && words[index - 1] != "--"
        var status = stack.loadFileStatus(isStdin ? nil : argv[index])
        if status == LuaStatus.ok {
            if let n = pushScriptArguments() {
                status = stack.callWithTraceback(arguments: n, results: nil)
            } else {
                status = LuaStatus.runtimeError
            }
        }
        return report(status)
    }

    /// Pushes `arg[1]` ... `arg[#arg]`; nil (with the error message pushed) if it cannot.
    func pushScriptArguments() -> Int32? {
        guard stack.getGlobal("arg") == .table else {
            stack.pop()
            stack.push("'arg' is not a table")
            return nil
        }
        let n = Int32(clamping: stack.rawLength(at: -1))
        guard stack.canGrow(by: n + 3) else {
            stack.pop()
            stack.push("stack overflow (too many arguments to script)")
            return nil
        }
        for i in stride(from: 1, through: n, by: 1) {
            stack.rawGet(-i, index: Int64(i))
        }
        stack.remove(at: -n - 1)  // the table
        return n
    }
}
