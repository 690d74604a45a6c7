import Foundation
import Testing

/// What a cron job relies on: --lock, --timeout, --memory-limit, --quiet,
/// --log-format json, and the exit statuses that go with them (--ping-url's
/// pings: PingTests).
@Suite("Unattended runs", .enabled(if: !Programs.procshIsReference, "procsh's own options"))
struct UnattendedRunTests {
    static func procsh(_ arguments: [String], environment: [String: String] = [:], in dir: URL? = nil, timeout: Double = 30)
        async throws -> ProcessResult
    {
        let home = try dir ?? makeTempDirectory()
        return try await run(
            try Programs.procsh(), arguments, environment: baseEnvironment(home: home.path).merging(environment) { _, new in new },
            directory: Programs.packageRoot, timeout: timeout)
    }

    /// Lua that appends `line` to the file `log` (O_APPEND: runs that share it keep their order).
    static func append(_ line: String, to log: String) -> String {
        "do local f = assert(io.open('\(log)', 'a')) f:write('\(line)\\n') f:close() end "
    }

    /// A procsh that holds `--lock lock` until the file `release` exists. It writes
    /// "holder: has the lock" to `log` when it starts and "holder: lets go" as its last act
    /// (the lock goes only when the process ends, after that line). Returns once it holds
    /// the lock. It is killed after 60 s, or as soon as the test drops it.
    /// A fresh directory with `job.lock` held by a first run (``holder(_:release:log:dir:)``),
    /// which lets go when the file `release` appears and writes to `log`.
    static func heldLock() async throws -> (dir: URL, lock: String, release: String, log: String, first: RunningProcess) {
        let dir = try makeTempDirectory()
        let lock = dir.appendingPathComponent("job.lock").path
        let release = dir.appendingPathComponent("release").path
        let log = dir.appendingPathComponent("log").path
        return (dir, lock, release, log, try await holder(lock, release: release, log: log, dir: dir))
    }

    static func holder(_ lock: String, release: String, log: String, dir: URL) async throws -> RunningProcess {
        let holder = try RunningProcess(
            executable: try Programs.procsh(),
            arguments: [
                "--lock", lock, "-e",
                append("holder: has the lock", to: log)
                    + "print('holding') io.stdout:flush() while not io.open('\(release)') do procsh.sleep(0.02) end "
                    + append("holder: lets go", to: log),
            ],
            environment: baseEnvironment(home: dir.path), directory: dir, lifetime: 60)
        guard await holder.waitForStdout(containing: "holding", timeout: 30) else {
            throw HarnessError("the lock holder did not start: \(await holder.wait(timeout: 1))")
        }
        return holder
    }

    /// The lines of the shared log (none if it does not exist yet).
    static func lines(of log: String) -> [String] {
        ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    @Test("--lock: a second run exits 75 at once while the first holds it")
    func lock() async throws {
        let (dir, lock, release, log, first) = try await Self.heldLock()
        let second = try await Self.procsh(["--lock", lock, "-e", Self.append("second: ran", to: log) + "print('second')"])
        #expect(second.termination == .exit(75), "\(second)")
        #expect(second.stdout.isEmpty, "\(second)")
        #expect(second.stderr.contains("--lock \(lock): held by another run (pid \(first.pid))"), "\(second)")
        FileManager.default.createFile(atPath: release, contents: nil)
        let result = await first.wait(timeout: 30)
        #expect(result.termination == .exit(0), "\(result)")
        #expect(Self.lines(of: log) == ["holder: has the lock", "holder: lets go"], "the refused run never ran its script")
    }

    @Test("--lock-wait: a waiting run is blocked while the holder runs, and runs once it lets go")
    func lockWaitWaits() async throws {
        let dir = try makeTempDirectory()
        let lock = dir.appendingPathComponent("job.lock").path
        let release = dir.appendingPathComponent("release").path
        let log = dir.appendingPathComponent("log").path
        let holder = try await Self.holder(lock, release: release, log: log, dir: dir)
        let waiter = try RunningProcess(
            executable: try Programs.procsh(),
            arguments: ["--lock", lock, "--lock-wait", "60", "-e", Self.append("waiter: has the lock", to: log) + "print('waiter')"],
            environment: baseEnvironment(home: dir.path), directory: dir, lifetime: 90)
        // The waiter is waiting for the lock: it has the lock file open and sleeps before
        // its script (which would write to the log first of all).
        let waiting = await waiter.waitUntil(timeout: 30) { child in
            child.openFiles.contains(lock) && child.threadStates.first == "S"
        }
        guard waiting else {
            throw HarnessError("the waiter never waited for the lock: \(await waiter.wait(timeout: 1))")
        }
        #expect(waiter.isRunning && waiter.stdoutSoFar.isEmpty, "blocked, the waiter has printed nothing")
        #expect(Self.lines(of: log) == ["holder: has the lock"], "blocked, the waiter has not run its script")

        FileManager.default.createFile(atPath: release, contents: nil)
        let held = await holder.wait(timeout: 30)
        #expect(held.termination == .exit(0), "\(held)")
        let waited = await waiter.wait(timeout: 60)
        #expect(waited.termination == .exit(0), "\(waited)")
        #expect(waited.stdout == "waiter\n", "\(waited)")
        // The waiter ran only after the holder had let go.
        #expect(Self.lines(of: log) == ["holder: has the lock", "holder: lets go", "waiter: has the lock"])
        #expect(try String(contentsOfFile: lock, encoding: .utf8) == "\(waiter.pid)\n", "the lock file names its new holder")
    }

    @Test("--lock-wait gives up after its time with 75")
    func lockWaitGivesUp() async throws {
        let (dir, lock, release, log, first) = try await Self.heldLock()
        let second = try await Self.procsh(["--lock", lock, "--lock-wait", "0.3", "-e", Self.append("second: ran", to: log) + "print('second')"])
        #expect(second.termination == .exit(75), "\(second)")
        #expect(second.stdout.isEmpty, "\(second)")
        #expect(second.stderr.contains("--lock \(lock): still held after waiting 0.3 s (pid \(first.pid))"), "\(second)")
        FileManager.default.createFile(atPath: release, contents: nil)
        let result = await first.wait(timeout: 30)
        #expect(result.termination == .exit(0), "\(result)")
        #expect(Self.lines(of: log) == ["holder: has the lock", "holder: lets go"], "the run that gave up never ran its script")
    }

    @Test("--jitter waits a random time within its bound, then runs")
    func jitterWaitsThenRuns() async throws {
        // The debug log says how long the run waited: what is checked, not the clock.
        var waits: [Double] = []
        for _ in 1...5 {
            let r = try await Self.procsh(["--jitter", "0.4", "--log-level", "debug", "-e", "print('ran')"], timeout: 30)
            #expect(r.termination == .exit(0), "\(r)")
            #expect(r.stdout == "ran\n", "\(r)")
            let wait = r.stderr.firstMatch(of: /procsh: --jitter 0.4 s: waiting ([0-9.]+) s before the run starts\n/)?.1
            waits.append(try #require(wait.flatMap { Double($0) }, "\(r)"))
        }
        #expect(waits.allSatisfy { (0...0.4).contains($0) }, "\(waits)")
        #expect(Set(waits).count > 1, "a random wait, not a fixed one: \(waits)")
        let quiet = try await Self.procsh(["--jitter", "0.4", "-e", "print('ran')"], timeout: 30)
        #expect(quiet.stderr.isEmpty, "the wait is logged at debug level only: \(quiet)")
        let none = try await Self.procsh(["--jitter", "0", "-e", "print('ran')"])
        #expect(none.termination == .exit(0) && none.stdout == "ran\n", "\(none)")
    }

    @Test("--jitter counts inside --timeout: a wait past it stops the run with 75, and the script never runs")
    func jitterInsideTimeout() async throws {
        // A wait of up to 100,000 s ends at the 0.3 s limit (one in 300,000 draws is shorter).
        let r = try await Self.procsh(["--timeout", "0.3", "--jitter", "100000", "-e", "print('ran')"], timeout: 30)
        #expect(r.termination == .exit(75), "\(r)")
        #expect(!r.timedOut, "\(r)")
        #expect(r.stdout.isEmpty, "\(r)")
        #expect(r.stderr.contains("timeout: the run took longer than --timeout 0.3 s (it was waiting out --jitter)"), "\(r)")
    }

    @Test("--jitter refuses what is not seconds", arguments: ["-1", "abc", "inf"])
    func jitterRefusesBadValues(value: String) async throws {
        let r = try await Self.procsh(["--jitter", value, "-e", "print('ran')"])
        #expect(r.termination == .exit(64), "\(r)")
        #expect(r.stderr.contains("--jitter: '\(value)' is not a number of seconds, 0 or more"), "\(r)")
    }

    @Test("--quiet-on-success: a run that succeeds shows nothing", arguments: [
        "print('out') io.stderr:write('err\\n') log.info('logged')", "print('out') os.exit(true)", "print('out') os.exit(0, true)",
        "print('out') os.exit()",
    ])
    func quietOnSuccess(code: String) async throws {
        let r = try await Self.procsh(["--quiet-on-success", "-e", code])
        #expect(r.termination == .exit(0), "\(r)")
        #expect(r.stdout.isEmpty && r.stderr.isEmpty, "\(r)")
    }

    @Test("--quiet-on-success: a run that fails shows all it wrote, each stream to its own, in order", arguments: [
        ("error('boom')", 1, "(command line):1: boom"), ("os.exit(3)", 3, ""), ("os.exit(false)", 1, ""),
        ("while true do end", 75, "timeout: the run took longer than --timeout 2 s"),
    ])
    func quietOnSuccessShowsAFailure(ending: String, status: Int32, message: String) async throws {
        let code = "print('out 1') io.stderr:write('err 1\\n') print('out 2') io.stderr:write('err 2\\n') " + ending
        let r = try await Self.procsh(["--quiet-on-success", "--timeout", "2", "-e", code], timeout: 30)
        #expect(r.termination == .exit(status), "\(r)")
        #expect(r.stdout == "out 1\nout 2\n", "\(r)")
        #expect(r.stderr.hasPrefix("err 1\nerr 2\n") && (message.isEmpty || r.stderr.contains(message)), "\(r)")
    }

    @Test("--quiet-on-success refuses the prompt, which could not wait for the end of the run")
    func quietOnSuccessRefusesThePrompt() async throws {
        let r = try await Self.procsh(["--quiet-on-success", "-i"])
        #expect(r.termination == .exit(64), "\(r)")
        #expect(r.stderr.contains("--quiet-on-success: only for runs without the prompt"), "\(r)")
    }

    @Test("--timeout stops a loop inside pcall and exits 75", arguments: [
        "while true do pcall(function() while true do end end) end",
        "local co = coroutine.wrap(function() while true do end end) co()",
        "while true do local ok, e = pcall(error, 'x') end",
    ])
    func timeout(code: String) async throws {
        let r = try await Self.procsh(["--timeout", "0.3", "-e", code], timeout: 10)
        #expect(r.termination == .exit(75), "\(r)")
        #expect(r.stderr.contains("timeout: the run took longer than --timeout 0.3 s"), "\(r)")
    }

    @Test("--timeout ends a blocking API call (the answer would take 10 minutes)")
    func timeoutDuringAPICall() async throws {
        let r = try await Self.procsh(
            // Long enough for the in-process sandbox to start on a loaded machine.
            ["--sandbox", "--timeout", "3", "-e", "sandbox.faults('latency=600s') processruns.get('demo-run')"], timeout: 60)
        #expect(r.termination == .exit(75), "\(r)")
        #expect(!r.timedOut, "\(r)")
        #expect(r.stderr.contains("the run's time limit (--timeout) passed while waiting for the API"), "\(r)")
    }

    @Test("--timeout that passes while the --sandbox starts is a timeout too (75), and says so")
    func timeoutWhileTheSandboxStarts() async throws {
        let r = try await Self.procsh(["--sandbox", "--timeout", "0.001", "-e", "print('ran')"], timeout: 30)
        #expect(r.termination == .exit(75), "\(r)")
        #expect(r.stderr.contains("the run's time limit (--timeout) passed while the sandbox was starting"), "\(r)")
        #expect(!r.stdout.contains("ran"), "\(r)")
    }

    @Test("--timeout during an API call inside pcall: the run ends with the call's error, which names the request")
    func timeoutDuringAPICallInsidePcall() async throws {
        // The answer would take 10 minutes: the time limit passes during the call.
        let code = "sandbox.faults('latency=600s') print(pcall(processruns.get, 'demo-run')) print('after')"
        for format in ["text", "json"] {
            let r = try await Self.procsh(["--sandbox", "--timeout", "3", "--log-format", format, "-e", code], timeout: 60)
            #expect(r.termination == .exit(75), "\(r)")
            #expect(r.stdout.isEmpty, "the pcall cannot swallow it: \(r)")
            #expect(r.stderr.contains("the run's time limit (--timeout) passed while waiting for the API [GET /processRuns/demo-run]"), "\(r)")
            if format == "json" {
                let line = try Self.jsonObjects(r.stderr).last
                #expect(line?["request"] as? String == "GET /processRuns/demo-run", "\(r)")
                #expect(line?["code"] as? String == "runTimeout", "\(r)")
            }
        }
    }

    @Test("--memory-limit: 'not enough memory' inside the script, which can catch it and go on")
    func memoryLimit() async throws {
        let bomb = "local t = {} for i = 1, 1e8 do t[i] = ('x'):rep(64) .. i end"
        let uncaught = try await Self.procsh(["--memory-limit", "16", "-e", bomb])
        #expect(uncaught.termination == .exit(1), "\(uncaught)")
        #expect(uncaught.stderr.contains("not enough memory"), "\(uncaught)")
        let caught = try await Self.procsh(["--memory-limit", "16", "-e", "print(pcall(function() \(bomb) end)) collectgarbage() print('after', #('y'):rep(1000))"])
        #expect(caught.termination == .exit(0), "\(caught)")
        #expect(caught.stdout == "false\tnot enough memory\nafter\t1000\n", "\(caught)")
    }

    @Test("--log-format json writes one JSON object per line")
    func jsonLogs() async throws {
        let r = try await Self.procsh(["--sandbox", "--log-format", "json", "--log-level", "debug", "-e", "log.info('hello %d', 42) processruns.get('demo-run')"])
        #expect(r.termination == .exit(0), "\(r)")
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count >= 3, "\(r)")
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["time"] is String && object?["level"] is String && object?["message"] is String, "\(line)")
        }
        let first = try #require(lines.first, "\(r)")
        let hello = try JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any]
        #expect(hello?["message"] as? String == "hello 42", "\(r)")
        #expect(hello?["level"] as? String == "info", "\(r)")
        #expect(r.stderr.contains(#""path":"\/processRuns\/demo-run""#) || r.stderr.contains(#""path":"/processRuns/demo-run""#), "\(r)")
    }

    /// Every line of `text` as a JSON object; throws if one is not.
    static func jsonObjects(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                object["time"] is String, object["level"] is String, object["message"] is String
            else {
                throw HarnessError("not a JSON log line: \(line)")
            }
            return object
        }
    }

    @Test("--log-format json: every line procsh writes to stderr is one JSON object, errors and tracebacks too", arguments: [
        (["-e", "error('boom')"], Int32(1), "(command line):1: boom"),
        (["--sandbox", "-e", "processruns.get('nope')"], 65, "api 404 (404): Could not find process run id nope"),
        (["-e", "x = = 1"], 1, "unexpected symbol near '='"),
        (["--bogus"], 1, "unrecognized option '--bogus'"),
        (["--timeout", "soon", "-e", "1"], 64, "--timeout: 'soon' is not a number of seconds"),
        (["--timeout", "0.2", "-e", "while true do end"], 75, "timeout: the run took longer than --timeout 0.2 s"),
        (["--sandbox", "--dry-run", "-e", "jobruns.create('demo-run', { jobruns.sendTask{ assignee = 'user123', title = 'T' } })"], 0,
         "dry run: POST http://127.0.0.1:"),
    ])
    func jsonEverywhere(arguments: [String], status: Int32, message: String) async throws {
        let r = try await Self.procsh(["--log-format", "json"] + arguments)
        #expect(r.termination == .exit(status), "\(r)")
        let objects = try Self.jsonObjects(r.stderr)
        let line = try #require(objects.first { ($0["message"] as? String)?.contains(message) == true }, "\(r)")
        if status == 0 {
            #expect(line["level"] as? String == "info", "\(r)")
            return
        }
        #expect(objects.count == 1, "one line for one error: \(r)")
        #expect(line["level"] as? String == "error", "\(r)")
        if arguments.contains("error('boom')") {
            #expect(line["traceback"] as? [String] == ["[C]: in function 'error'", "(command line):1: in main chunk", "[C]: in ?"], "\(r)")
            #expect(line["exitStatus"] as? String == "1", "\(r)")
        }
        if arguments.contains("processruns.get('nope')") {
            #expect(line["kind"] as? String == "api" && line["status"] as? String == "404", "\(r)")
            #expect(line["request"] as? String == "GET /processRuns/nope", "\(r)")
            #expect(line["exitStatus"] as? String == "65", "\(r)")
        }
    }

    @Test("--log-format json: a lock held by another run is said in one JSON object")
    func jsonLockHeld() async throws {
        let (dir, lock, release, log, first) = try await Self.heldLock()
        let second = try await Self.procsh(["--log-format", "json", "--lock", lock, "-e", "print('second')"])
        #expect(second.termination == .exit(75), "\(second)")
        let objects = try Self.jsonObjects(second.stderr)
        #expect(objects.count == 1, "\(second)")
        #expect((objects.first?["message"] as? String)?.contains("--lock \(lock): held by another run (pid \(first.pid))") == true, "\(second)")
        FileManager.default.createFile(atPath: release, contents: nil)
        #expect(await first.wait(timeout: 30).termination == .exit(0))
    }

    @Test("the text form of procsh's own messages is lua.c's: the name, the message, the traceback")
    func textMessages() async throws {
        let r = try await Self.procsh(["--sandbox", "-e", "processruns.get('nope')"])
        #expect(r.termination == .exit(65), "\(r)")
        let lines = r.stderr.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasSuffix("procsh: api 404 (404): Could not find process run id nope (target: processRunId) [GET /processRuns/nope]") == true, "\(r)")
        #expect(Array(lines.dropFirst()) == ["stack traceback:", "\t[C]: in field 'get'", "\t(command line):1: in main chunk", "\t[C]: in ?"], "\(r)")
    }

    @Test("--quiet leaves only errors on stderr")
    func quiet() async throws {
        let r = try await Self.procsh(["--quiet", "-e", "log.info('i') log.warn('w') log.error('e') print('out')"])
        #expect(r.termination == .exit(0), "\(r)")
        #expect(r.stdout == "out\n", "\(r)")
        #expect(r.stderr.hasSuffix(" error: e\n") && r.stderr.split(separator: "\n").count == 1, "\(r)")
    }

    @Test("no progress lines when stderr is not a terminal")
    func noProgressOffTerminal() async throws {
        let r = try await Self.procsh([
            "--sandbox", "-e",
            "local jobs = {} for i = 1, 300 do jobs[i] = jobruns.sendTask{ assignee = 'user123', title = 'T' .. i } end print(#jobruns.create('demo-run', jobs, { batchSize = 50 }))",
        ])
        #expect(r.termination == .exit(0), "\(r)")
        #expect(r.stdout == "300\n", "\(r)")
        #expect(r.stderr.isEmpty, "\(r)")
    }

    @Test("bad values of the run options are usage errors (64)", arguments: [
        (["--timeout", "soon"], "--timeout: 'soon' is not a number of seconds greater than 0"),
        (["--memory-limit", "0"], "--memory-limit: '0' is not a number of megabytes"),
        (["--memory-limit", "-5"], "--memory-limit: '-5' is not a number of megabytes from 1 to 1000000"),
        (["--memory-limit=-5"], "--memory-limit: '-5' is not a number of megabytes from 1 to 1000000"),
        (["--timeout", "-1"], "--timeout: '-1' is not a number of seconds greater than 0"),
        (["--timeout", "-e"], "--timeout: needs a value"),
        (["--lock-wait", "5"], "--lock-wait: needs --lock FILE"),
        (["--log-format", "xml"], "--log-format: 'xml' is not a log format (text, json)"),
        (["--quiet=yes"], "--quiet: takes no value"),
        (["--ping-url", "ftp://example.com/x"], "--ping-url: 'ftp://example.com/x' is not an http:// or https:// URL"),
        (["--ping-url", "hc-ping.com/uuid"], "--ping-url: 'hc-ping.com/uuid' is not an http:// or https:// URL"),
        (["--ping-url", "-e"], "--ping-url: needs a value"),
        (["--ping-url", "http://127.0.0.1:9/", "--run-id", "run-7"], "--run-id: 'run-7' is not a UUID"),
        (["--run-id", "3f2a8e0c-5b1d-4c6e-9a7f-0d2b4c6e8a1f"], "--run-id: needs a ping URL"),
    ])
    func badValues(arguments: [String], message: String) async throws {
        let r = try await Self.procsh(arguments + ["-e", "print(1)"])
        #expect(r.termination == .exit(64), "\(r)")
        #expect(r.stderr.contains(message), "\(r)")
    }
}
