import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// SIGINT handling (lua.c's `laction`/`lstop`). Each script first prints "ready" and
/// flushes from *inside* the code that will be interrupted, so the signal handler is
/// certainly installed when the test signals; the test then waits until the child is in
/// the state the signal must find (computing, or blocked in a read), not for a time.
@Suite("SIGINT")
struct SignalTests {

    /// Starts `program args` in a fresh directory, waits for "ready" on stdout, then runs
    /// `interact` (which sends signals) and waits for the end.
    private static func interrupted(
        _ program: String,
        _ args: [String],
        stdin: Stdin = .null,
        interact: @Sendable (RunningProcess) async throws -> Void
    ) async throws -> ProcessResult {
        let dir = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let child = try RunningProcess(
            executable: program, arguments: args,
            environment: baseEnvironment(home: dir.path), directory: dir, stdin: stdin)
        let ready = await child.waitForStdout(containing: "ready\n", timeout: 10)
        if !ready {
            child.send(SIGKILL)
            let r = await child.wait(timeout: 5)
            throw HarnessError("\(program) never printed ready:\n\(r)")
        }
        try await interact(child)
        var result = await child.wait(timeout: 10)
        let subs = [(program, "<prog>"), (dir.path, "<dir>")]
        result.stdout = normalise(result.stdout, replacing: subs)
        result.stderr = normalise(result.stderr, replacing: subs)
        return result
    }

    /// Both programs, concurrently.
    private static func both(
        _ args: [String],
        stdin: Stdin = .null,
        interact: @escaping @Sendable (RunningProcess) async throws -> Void
    ) async throws -> (ref: ProcessResult, procsh: ProcessResult) {
        let refPath = try Programs.reference()
        let procshPath = try Programs.procsh()
        async let ref = interrupted(refPath, args, stdin: stdin, interact: interact)
        async let sh = interrupted(procshPath, args, stdin: stdin, interact: interact)
        return try await (ref, sh)
    }

    /// One SIGINT once the child is inside the loop that follows its "ready": a signal that
    /// came while "ready" was still being written would be raised there, with another message.
    private static let sendOneSIGINT: @Sendable (RunningProcess) async throws -> Void = { child in
        try await spinning(child)
        child.send(SIGINT)
    }

    /// Returns once the child, which printed "ready" right before a long computation, is
    /// busy inside it (it has used CPU time since; what came between takes microseconds).
    static func spinning(_ child: RunningProcess) async throws {
        guard await child.waitForCPUTime() else {
            throw HarnessError("\(child.executable) is not computing after ready: \(await child.wait(timeout: 1))")
        }
    }

    @Test("SIGINT in a loop: 'interrupted!' with a traceback, exit status 1")
    func interruptLoop() async throws {
        let (ref, sh) = try await Self.both(
            ["-e", "io.write('ready\\n') io.flush() while true do end"], interact: Self.sendOneSIGINT)
        #expect(!ref.timedOut && !sh.timedOut, "lua5.4: \(ref)\nprocsh: \(sh)")
        #expect(ref.termination == .exit(1), "lua5.4 itself: \(ref)")
        #expect(sh.termination == ref.termination, "lua5.4: \(ref)\nprocsh: \(sh)")
        #expect(sh.stdout == ref.stdout, Comment(rawValue: describeDifference("stdout", expected: ref.stdout, actual: sh.stdout)))
        let refFirst = ref.stderr.components(separatedBy: "\n").first ?? ""
        let shFirst = sh.stderr.components(separatedBy: "\n").first ?? ""
        #expect(refFirst == "<prog>: interrupted!", "lua5.4 itself: \(ref)")
        #expect(shFirst == refFirst, Comment(rawValue: describeDifference("stderr", expected: ref.stderr, actual: sh.stderr)))
        #expect(sh.stderr.contains("\nstack traceback:\n"), "procsh: \(sh)")
    }

    @Test("SIGINT in a script file loop")
    func interruptScriptLoop() async throws {
        // A script file rather than -e: the traceback names the script.
        let refPath = try Programs.reference()
        let procshPath = try Programs.procsh()
        func one(_ program: String) async throws -> ProcessResult {
            let dir = try makeTempDirectory(files: ["loop.lua": """
                local function spin()
                  io.write("ready\\n") io.flush()
                  while true do end
                end
                spin()
                """])
            defer { try? FileManager.default.removeItem(at: dir) }
            let child = try RunningProcess(
                executable: program, arguments: ["loop.lua"],
                environment: baseEnvironment(home: dir.path), directory: dir)
            guard await child.waitForStdout(containing: "ready\n") else {
                child.send(SIGKILL)
                throw HarnessError("\(program) never printed ready: \(await child.wait())")
            }
            try await Self.spinning(child)
            child.send(SIGINT)
            var r = await child.wait()
            r.stderr = normalise(r.stderr, replacing: [(program, "<prog>")])
            return r
        }
        async let refRun = one(refPath)
        async let shRun = one(procshPath)
        let (ref, sh) = try await (refRun, shRun)
        #expect(sh.termination == ref.termination, "lua5.4: \(ref)\nprocsh: \(sh)")
        #expect(sh.stdout == ref.stdout)
        let refFirst = ref.stderr.components(separatedBy: "\n").first ?? ""
        let shFirst = sh.stderr.components(separatedBy: "\n").first ?? ""
        #expect(shFirst == refFirst, Comment(rawValue: describeDifference("stderr", expected: ref.stderr, actual: sh.stderr)))
    }

    @Test("pcall catches the interruption")
    func pcallCatchesInterrupt() async throws {
        let (ref, sh) = try await Self.both(
            ["-e", "local ok, e = pcall(function() io.write('ready\\n') io.flush() while true do end end) print(ok, e) print('continues')"],
            interact: Self.sendOneSIGINT)
        #expect(ref.stdout == "ready\nfalse\tinterrupted!\ncontinues\n", "lua5.4 itself: \(ref)")
        #expect(sh.termination == ref.termination, "lua5.4: \(ref)\nprocsh: \(sh)")
        #expect(sh.stdout == ref.stdout, Comment(rawValue: describeDifference("stdout", expected: ref.stdout, actual: sh.stdout)))
        #expect(sh.stderr == ref.stderr, Comment(rawValue: describeDifference("stderr", expected: ref.stderr, actual: sh.stderr)))
    }

    @Test("SIGINT in the REPL interrupts the line, the REPL goes on")
    func interruptInREPL() async throws {
        let input = "io.write('ready\\n') io.flush() while true do end\nprint('after')\n"
        let (ref, sh) = try await Self.both(["-i"], stdin: .text(input), interact: Self.sendOneSIGINT)
        let lines = inputLines(of: input)
        let refOut = removeReadlineEcho(from: ref.stdout, inputLines: lines, prompts: Allowances.defaultPrompts)
        var shOut = dropProcshVersionLine(sh.stdout)
        if Programs.procshIsReference {
            shOut = removeReadlineEcho(from: shOut, inputLines: lines, prompts: Allowances.defaultPrompts)
        }
        #expect(ref.termination == .exit(0), "lua5.4 itself: \(ref)")
        #expect(sh.termination == ref.termination, "lua5.4: \(ref)\nprocsh: \(sh)")
        #expect(shOut == refOut, Comment(rawValue: describeDifference("stdout", expected: refOut, actual: shOut)))
        #expect(sh.stderr == ref.stderr, Comment(rawValue: describeDifference("stderr", expected: ref.stderr, actual: sh.stderr)))
    }

    @Test("SIGINT during a blocking io.read (idle pipe) interrupts it")
    func interruptBlockingRead() async throws {
        // lua.c installs its handler with sigaction and no SA_RESTART: the read fails with
        // EINTR, io.read returns, and the hook raises "interrupted!" (lua5.4 exits 1).
        let (ref, sh) = try await Self.both(
            ["-e", "io.stdout:write('ready\\n') io.stdout:flush() print(io.read()) print('read returned')"],
            stdin: .openPipe
        ) { child in
            // The signal must come while the read is blocked, not before it starts.
            guard await child.waitUntil({ $0.isBlockedReadingStdin }) else {
                throw HarnessError("\(child.executable) never blocked reading stdin: \(await child.wait(timeout: 1))")
            }
            child.send(SIGINT)
            // A SIGINT that did nothing leaves the read blocked: the harness kills the child
            // after its timeout, and the termination differs.
        }
        #expect(ref.termination == .exit(1), "lua5.4 itself: \(ref)")
        #expect(sh.termination == ref.termination, "lua5.4: \(ref)\nprocsh: \(sh)")
        #expect(sh.stdout == ref.stdout, Comment(rawValue: describeDifference("stdout", expected: ref.stdout, actual: sh.stdout)))
        #expect(sh.stderr == ref.stderr, Comment(rawValue: describeDifference("stderr", expected: ref.stderr, actual: sh.stderr)))
    }

    /// Lua that writes "ready" the moment the script calls `processruns.get`
    /// (a call hook, so nothing of the script's own runs between the marker
    /// and the call), after a first read that fetched the token and a fault
    /// that keeps the next answer away for 10 minutes.
    static let readyInSlowCall = """
        processruns.get('demo-run') sandbox.faults('latency=600s')
        debug.sethook(function()
          if debug.getinfo(2, 'f').func == processruns.get then debug.sethook() io.write('ready\\n') io.flush() end
        end, 'c')
        """

    @Test(
        "SIGINT during an API call inside pcall: pcall returns the call's error, the script goes on",
        .enabled(if: !Programs.procshIsReference, "procsh's API modules"))
    func interruptAPICallInsidePcall() async throws {
        let code = Self.readyInSlowCall + """
            local ok, e = pcall(processruns.get, 'demo-run')
            print(ok, procsh.iserror(e) and e.kind, procsh.iserror(e) and e.code, tostring(e))
            print('continues')
            """
        let r = try await Self.interrupted(try Programs.procsh(), ["--sandbox", "-e", code]) { child in
            child.send(SIGINT)
        }
        #expect(!r.timedOut, "\(r)")
        #expect(r.termination == .exit(0), "\(r)")
        // The request is named when the Ctrl-C found it sent (not when it came first).
        #expect(r.stdout.hasPrefix("ready\nfalse\tusage\tinterrupted\tusage (interrupted): interrupted while waiting for the API"), "\(r)")
        #expect(r.stdout.hasSuffix("\ncontinues\n"), "\(r)")
        #expect(!r.stderr.contains("interrupted!"), "no 'interrupted!' follows the call's error: \(r)")
    }

    @Test(
        "SIGINT during an API call outside pcall ends the run with the call's error, at once",
        .enabled(if: !Programs.procshIsReference, "procsh's API modules"))
    func interruptAPICall() async throws {
        // A SIGINT lost on the way would leave the read waiting (or retrying, then 75 "still
        // failing after 4 attempts" after two minutes): the harness kills it after 10 s.
        let r = try await Self.interrupted(
            try Programs.procsh(), ["--sandbox", "-e", Self.readyInSlowCall + "processruns.get('demo-run')"]
        ) { child in
            child.send(SIGINT)
        }
        #expect(!r.timedOut, "\(r)")
        #expect(r.termination == .exit(64), "\(r)")
        #expect(r.stderr.hasPrefix("<prog>: usage (interrupted): interrupted while waiting for the API"), "\(r)")
    }

    @Test("a second SIGINT during a long C call kills the process")
    func secondInterruptKills() async throws {
        // string.find with heavy backtracking runs for a long time inside C, where the hook
        // set by the first SIGINT cannot run; the handler reset SIGINT to SIG_DFL, so the
        // second SIGINT terminates the process.
        let (ref, sh) = try await Self.both(
            ["-e", "io.stdout:write('ready\\n') io.stdout:flush() print(string.rep('a', 4000):find('.-.-b'))"]
        ) { child in
            try await Self.spinning(child)
            child.send(SIGINT)
            // The first SIGINT only sets a hook and puts back SIGINT's default action...
            guard await child.waitUntil({ $0.catches(SIGINT) == false }) else {
                throw HarnessError("\(child.executable) never handled the first SIGINT: \(await child.wait(timeout: 1))")
            }
            // ...and the C call goes on: the child keeps computing.
            #expect(await child.waitForCPUTime(), "\(child.executable) ended after the first SIGINT")
            child.send(SIGINT)
        }
        #expect(ref.termination == .signal(SIGINT), "lua5.4 itself: \(ref)")
        #expect(sh.termination == ref.termination, "lua5.4: \(ref)\nprocsh: \(sh)")
        #expect(sh.stdout == ref.stdout, Comment(rawValue: describeDifference("stdout", expected: ref.stdout, actual: sh.stdout)))
        #expect(sh.stderr == ref.stderr, Comment(rawValue: describeDifference("stderr", expected: ref.stderr, actual: sh.stderr)))
    }
}
