import Foundation
import Testing

/// `processes.run` when its answer is lost (docs/lua-api.md, "processes.run"):
/// the built procsh against its in-process sandbox over real HTTP, with faults
/// kept to one operation and a count, each case in a procsh of its own. What
/// the sandbox holds is read from its admin endpoints with curl, not from
/// what procsh says.
@Suite("processes.run's unknown outcomes", .enabled(if: !Programs.procshIsReference, "procsh's own API"))
struct ProcessRunOutcomeTests {
    /// Lua helpers put before each script: `runs()` lists the sandbox's runs of
    /// demo-process ("demo-run,demo-run-complete,run-1"), `faults()` what it injected.
    static let helpers = """
        local function admin(path)
          local curl = assert(io.popen("curl -sf '" .. sandbox.url .. path .. "'"))
          local text = curl:read("a")
          assert(curl:close() and text ~= "", "cannot read " .. path)
          return json.decode(text)
        end
        local function runs()
          local ids = {}
          for _, r in ipairs(admin("/_sandbox/state").processRuns) do
            if r.processId == "demo-process" then ids[#ids + 1] = r.id end
          end
          return table.concat(ids, ",")
        end
        local function faults()
          local names, counts = {}, admin("/_sandbox/stats").faults
          for name in pairs(counts) do names[#names + 1] = name end
          table.sort(names)
          for i, name in ipairs(names) do names[i] = name .. "=" .. counts[name] end
          return table.concat(names, ",")
        end

        """

    /// Runs `script` (after the helpers) with `procsh --sandbox` and `options`.
    static func procsh(_ script: String, options: [String] = []) async throws -> ProcessResult {
        let home = try makeTempDirectory()
        return try await run(
            try Programs.procsh(), ["--sandbox"] + options + ["-e", helpers + script],
            environment: baseEnvironment(home: home.path), directory: Programs.packageRoot, timeout: 60)
    }

    /// The info line procsh logs when it found the run.
    static let foundLine = "info: processes.run: the answer to POST /processes/demo-process/run was lost"

    @Test("a 500 after the run was started: the run is returned in full, started once, and the finding logged")
    func serverErrorAfterCommit() async throws {
        let r = try await Self.procsh("""
            sandbox.faults("500-after-commit@runProcess=1x1")
            local run = processes.run("demo-process")
            print(run.id, run.name, #run.children, faults())
            print(runs())
            """)
        #expect(r.termination == .exit(0), "\(r)")
        #expect(r.stdout == "run-1\tQ4 close\t5\t500-after-commit=1\ndemo-run,demo-run-complete,run-1\n", "\(r)")
        #expect(r.stderr.contains(Self.foundLine + " (api 500 (500): unknown error); found run run-1 of the process, created at "), "\(r)")
        #expect(r.stderr.contains("nothing was sent again"), "\(r)")
    }

    @Test("an answer cut off after its 201 status: the run is returned, started once")
    func answerCutAfterCommit() async throws {
        let r = try await Self.procsh("""
            sandbox.faults("reset-after-commit@runProcess=1x1")
            local run = processes.run("demo-process", { sendProcessCompleteEmail = true })
            print(run.id, #run.children, faults())
            print(runs())
            """)
        #expect(r.termination == .exit(0), "\(r)")
        #expect(r.stdout == "run-1\t5\treset-after-commit=1\ndemo-run,demo-run-complete,run-1\n", "\(r)")
        #expect(r.stderr.contains(Self.foundLine + " (transport 201 (answerCut): "), "\(r)")
    }

    @Test("the reads that look for the run fail a few times: the run is still found, started once")
    func readsFailAFewTimes() async throws {
        let r = try await Self.procsh("""
            sandbox.faults("500-after-commit@runProcess=1x1,reset@getProcess=1x2,500@getProcessRun=1x2")
            local run = processes.run("demo-process")
            print(run.id, #run.children, faults())
            print(runs())
            """)
        #expect(r.termination == .exit(0), "\(r)")
        #expect(r.stdout == "run-1\t5\t500=2,500-after-commit=1,reset=2\ndemo-run,demo-run-complete,run-1\n", "\(r)")
        #expect(r.stderr.contains(Self.foundLine), "\(r)")
    }

    @Test("the run fits but cannot be read in full: unknown, with that run as the one candidate")
    func foundButUnreadable() async throws {
        let r = try await Self.procsh("""
            sandbox.faults("500-after-commit@runProcess=1x1,503@getProcessRun=1x4")
            local ok, e = pcall(processes.run, "demo-process")
            print(ok, e.kind, e.status, e.unknown, e.retryable, #e.candidates, e.candidates[1].id)
            print(e.message)
            print(runs())
            """)
        #expect(r.termination == .exit(0), "\(r)")
        let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first == "false\tapi\t500\ttrue\tfalse\t1\trun-1", "\(r)")
        #expect(lines.dropFirst().first?.contains("run run-1, created at ") == true, "\(r)")
        #expect(lines.dropFirst().first?.contains("fits, but reading it (GET /processRuns/run-1) failed: api 503 (503)") == true, "\(r)")
        #expect(lines.dropFirst(2).first == "demo-run,demo-run-complete,run-1", "\(r)")
        #expect(!r.stderr.contains(Self.foundLine), "\(r)")
    }

    @Test("nothing was started: an uncaught error says why procsh cannot tell, exits 69, and nothing is sent again")
    func nothingStartedUncaught() async throws {
        let r = try await Self.procsh("""
            sandbox.faults("500@runProcess=1x1")
            local ok, e = pcall(processes.run, "demo-process")
            print(runs(), #e.candidates, e.attempts)
            sandbox.faults("500@runProcess=1x1")
            processes.run("demo-process")
            """)
        #expect(r.termination == .exit(69), "\(r)")
        #expect(r.stdout == "demo-run,demo-run-complete\t0\t1\n", "\(r)")
        #expect(r.stderr.contains(
            "procsh: api 500 (500): unknown error; procsh cannot tell whether this request started a run: GET /processes/demo-process shows no run started since the request was sent at "),
            "\(r)")
        #expect(r.stderr.contains("its latest run, demo-run-complete, was created at 2025-11-24T16:00:00Z"), "\(r)")
        #expect(r.stderr.contains(#"[POST /processes/demo-process/run]; it was not sent again (it is not idempotent)"#), "\(r)")
        #expect(r.stderr.contains("stack traceback:\n"), "\(r)")
        #expect(!r.stderr.contains(Self.foundLine), "\(r)")
    }

    @Test("the finding is logged at info level: --log-level warn leaves it out")
    func logLevel() async throws {
        let r = try await Self.procsh("""
            sandbox.faults("500-after-commit@runProcess=1x1")
            print(processes.run("demo-process").id)
            """, options: ["--log-level", "warn"])
        #expect(r.termination == .exit(0), "\(r)")
        #expect(r.stdout == "run-1\n", "\(r)")
        #expect(!r.stderr.contains("processes.run:"), "\(r)")
    }

    @Test("--dry-run: processes.run prints the request, starts nothing and looks for nothing")
    func dryRun() async throws {
        let r = try await Self.procsh("""
            sandbox.faults("500-after-commit@runProcess=1")
            local run = processes.run("demo-process", { sendProcessCompleteEmail = true })
            print(run.id, run.status, run.dryRun, faults(), runs())
            """, options: ["--dry-run", "--log-level", "debug"])
        #expect(r.termination == .exit(0), "\(r)")
        #expect(r.stdout == "dry-run-run-1\trunning\ttrue\t\tdemo-run,demo-run-complete\n", "\(r)")
        #expect(r.stderr.contains("dry run: POST http://127.0.0.1:"), "\(r)")
        #expect(r.stderr.contains("/processes/demo-process/run\n"), "\(r)")
        #expect(r.stderr.contains(#"  {"sendProcessCompleteEmail":true}"#), "\(r)")
        // The client logs every request it sends at debug level: no read of the process.
        #expect(!r.stderr.contains("GET /processes/demo-process"), "\(r)")
        #expect(!r.stderr.contains("processes.run:"), "\(r)")
    }

    @Test("the debug log shows the one POST and the reads that found the run")
    func requestsSent() async throws {
        let r = try await Self.procsh("""
            sandbox.faults("500-after-commit@runProcess=1x1")
            print(processes.run("demo-process").id)
            """, options: ["--log-level", "debug"])
        #expect(r.termination == .exit(0), "\(r)")
        let requests = r.stderr.split(separator: "\n")
            .filter { $0.contains(" debug: ") && $0.contains(" -> ") && !$0.contains("/oauth2/token") }
            .compactMap { line in line.components(separatedBy: " debug: ").last?.components(separatedBy: " in ").first }
        #expect(requests == [
            "POST /processes/demo-process/run -> 500", "GET /processes/demo-process -> 200", "GET /processRuns/run-1 -> 200",
        ], "\(r)")
    }
}
