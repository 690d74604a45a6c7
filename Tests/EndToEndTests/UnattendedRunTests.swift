import Foundation
import Testing

/// What a cron job relies on: --lock, --timeout, --memory-limit, --quiet,
/// --log-format json, and the exit statuses that go with them.
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

    /// A procsh that holds `--lock lock` until the file `release` exists.
    static func holder(_ lock: String, release: String, dir: URL) async throws -> RunningProcess {
        let holder = try RunningProcess(
            executable: try Programs.procsh(),
            arguments: [
                "--lock", lock, "-e",
                "print('holding') io.stdout:flush() while not io.open('\(release)') do procsh.sleep(0.02) end",
            ],
            environment: baseEnvironment(home: dir.path), directory: dir)
        #expect(await holder.waitForStdout(containing: "holding", timeout: 30))
        return holder
    }

    @Test("--lock: a second run exits 75 at once while the first holds it; --lock-wait waits")
    func lock() async throws {
        let dir = try makeTempDirectory()
        let lock = dir.appendingPathComponent("job.lock").path
        let release = dir.appendingPathComponent("release").path
        let first = try await Self.holder(lock, release: release, dir: dir)
        let second = try await Self.procsh(["--lock", lock, "-e", "print('second')"])
        #expect(second.termination == .exit(75), "\(second)")
        #expect(second.stdout.isEmpty, "\(second)")
        #expect(second.stderr.contains("--lock \(lock): held by another run (pid \(first.pid))"), "\(second)")
        // A waiting run starts once the holder ends.
        let third = try RunningProcess(
            executable: try Programs.procsh(), arguments: ["--lock", lock, "--lock-wait", "60", "-e", "print('third')"],
            environment: baseEnvironment(home: dir.path), directory: dir)
        try await Task.sleep(for: .milliseconds(300))
        FileManager.default.createFile(atPath: release, contents: nil)
        let result = await first.wait(timeout: 30)
        #expect(result.termination == .exit(0), "\(result)")
        let waited = await third.wait(timeout: 60)
        #expect(waited.termination == .exit(0), "\(waited)")
        #expect(waited.stdout == "third\n", "\(waited)")
    }

    @Test("--lock-wait gives up after its time with 75")
    func lockWaitGivesUp() async throws {
        let dir = try makeTempDirectory()
        let lock = dir.appendingPathComponent("job.lock").path
        let release = dir.appendingPathComponent("release").path
        let first = try await Self.holder(lock, release: release, dir: dir)
        let second = try await Self.procsh(["--lock", lock, "--lock-wait", "0.3", "-e", "print('second')"])
        #expect(second.termination == .exit(75), "\(second)")
        #expect(second.stderr.contains("still held after waiting 0.3 s"), "\(second)")
        FileManager.default.createFile(atPath: release, contents: nil)
        _ = await first.wait(timeout: 30)
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
            ["--sandbox", "--timeout", "0.5", "-e", "sandbox.faults('latency=600s') processruns.get('demo-run')"], timeout: 60)
        #expect(r.termination == .exit(75), "\(r)")
        #expect(!r.timedOut, "\(r)")
        #expect(r.stderr.contains("the run's time limit (--timeout) passed while waiting for the API"), "\(r)")
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
        let hello = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any]
        #expect(hello?["message"] as? String == "hello 42", "\(r)")
        #expect(hello?["level"] as? String == "info", "\(r)")
        #expect(r.stderr.contains(#""path":"\/processRuns\/demo-run""#) || r.stderr.contains(#""path":"/processRuns/demo-run""#), "\(r)")
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
        (["--lock-wait", "5"], "--lock-wait: needs --lock FILE"),
        (["--log-format", "xml"], "--log-format: 'xml' is not a log format (text, json)"),
        (["--quiet=yes"], "--quiet: takes no value"),
    ])
    func badValues(arguments: [String], message: String) async throws {
        let r = try await Self.procsh(arguments + ["-e", "print(1)"])
        #expect(r.termination == .exit(64), "\(r)")
        #expect(r.stderr.contains(message), "\(r)")
    }
}
