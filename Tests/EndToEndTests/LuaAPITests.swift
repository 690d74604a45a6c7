import Foundation
import Testing

/// The Lua API as scripts meet it: the Lua test files (Tests/lua), the
/// examples, exit statuses of uncaught errors, --dry-run and logging, each run
/// by the built procsh with `--sandbox` (real HTTP to an in-process sandbox).
@Suite("The Lua API", .enabled(if: !Programs.procshIsReference, "procsh's own API"))
struct LuaAPITests {
    static let root = Programs.packageRoot

    /// Runs procsh in the package root with `arguments`.
    static func procsh(_ arguments: [String], environment extra: [String: String] = [:], timeout: Double = 60) async throws
        -> ProcessResult
    {
        let home = try makeTempDirectory()
        return try await run(
            try Programs.procsh(), arguments, environment: baseEnvironment(home: home.path).merging(extra) { _, new in new },
            directory: root, timeout: timeout)
    }

    static let luaTestFiles: [String] = {
        let dir = root.appendingPathComponent("Tests/lua")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.filter { $0.hasSuffix("_test.lua") }.sorted()
    }()

    @Test("Lua test file", arguments: luaTestFiles)
    func luaTests(file: String) async throws {
        let r = try await Self.procsh(["--sandbox", "Tests/lua/run.lua", "Tests/lua/\(file)"])
        #expect(r.termination == .exit(0), "\(r)")
        #expect(r.stdout.contains(" 0 failed"), "\(r)")
        #expect(!r.stdout.contains("FAIL"), "\(r)")
    }

    @Test("the Lua test files are found")
    func luaTestFilesExist() {
        #expect(Self.luaTestFiles.count >= 8, "\(Self.luaTestFiles)")
    }

    @Test("the Lua runner reports a failing case and exits 1")
    func runnerReportsFailures() async throws {
        let dir = try makeTempDirectory(files: [
            "failing_test.lua": "test('adds', function() assert(1 + 1 == 3, 'arithmetic is off') end)\ntest('passes', function() end)\n"
        ])
        let r = try await Self.procsh(["--sandbox", "Tests/lua/run.lua", dir.appendingPathComponent("failing_test.lua").path])
        #expect(r.termination == .exit(1), "\(r)")
        #expect(r.stdout.contains("FAIL failing_test.lua: adds"), "\(r)")
        #expect(r.stdout.contains("arithmetic is off"), "\(r)")
        #expect(r.stdout.contains("ok   failing_test.lua: passes"), "\(r)")
        #expect(r.stdout.contains("lua tests: 1 passed, 1 failed"), "\(r)")
    }

    // MARK: Examples

    @Test("insert-after-sibling.lua creates two job runs after job-7 and prints the tree twice")
    func insertAfterSibling() async throws {
        let r = try await Self.procsh(["--sandbox", "scripts/examples/insert-after-sibling.lua"])
        #expect(r.termination == .exit(0), "\(r)")
        #expect(r.stdout.contains("created jobrun-1 (sendTask) at ordinal 2"), "\(r)")
        #expect(r.stdout.contains("created jobrun-2 (contentRequest) at ordinal 3"), "\(r)")
        let after = r.stdout.components(separatedBy: "After:").last ?? ""
        let ids = after.split(separator: "\n").filter { $0.hasPrefix("  ") }.compactMap { line in
            line.split(separator: " ").dropFirst(2).first.map(String.init)
        }
        #expect(Array(ids.prefix(4)) == ["job-1", "job-7", "jobrun-1", "jobrun-2"], "\(r)")
    }

    @Test("review-tasks-from-csv.lua adds a task per row into the group")
    func reviewTasksFromCSV() async throws {
        let r = try await Self.procsh(["--sandbox", "scripts/examples/review-tasks-from-csv.lua"])
        #expect(r.termination == .exit(0), "\(r)")
        #expect(r.stdout.contains("jobrun-3   reviewer001  Review the notes, section 4"), "\(r)")
        #expect(r.stderr.contains("info: added 3 review tasks to \"Review\" (group-review)"), "\(r)")
    }

    @Test("review-tasks-from-csv.lua with a bad row creates nothing and says where")
    func reviewTasksBadRow() async throws {
        let dir = try makeTempDirectory(files: ["people.csv": "assignee,title,dueDate\nuser123,Fine,2024-12-12\nuser789,Bad date,2024-02-31\n"])
        let r = try await Self.procsh(["--sandbox", "scripts/examples/review-tasks-from-csv.lua", dir.appendingPathComponent("people.csv").path])
        #expect(r.termination == .exit(65), "\(r)")
        #expect(r.stderr.contains("validation: sendTask.dueDate: '2024-02-31' is not a real date"), "\(r)")
    }

    @Test("handling-errors.lua shows a 409, a validation error and a 429 decision")
    func handlingErrors() async throws {
        let r = try await Self.procsh(["--sandbox", "scripts/examples/handling-errors.lua"])
        #expect(r.termination == .exit(0), "\(r)")
        #expect(r.stdout.contains("1.\tapi 409 (409)"), "\(r)")
        #expect(r.stdout.contains("field = jobs[2].arguments.sendTaskArgs.titel, code = unknownField"), "\(r)")
        #expect(r.stdout.contains("attempt 1: api 429 (429)"), "\(r)")
        #expect(r.stdout.contains("on the second try"), "\(r)")
    }

    @Test("print-tree.lua prints the tree and counts by status")
    func printTree() async throws {
        let r = try await Self.procsh(["--sandbox", "scripts/examples/print-tree.lua"])
        #expect(r.termination == .exit(0), "\(r)")
        #expect(r.stdout.hasPrefix("demo-run \"Q4 close 2024\" [running]\n"), "\(r)")
        #expect(r.stdout.contains("waiting    4"), "\(r)")
    }

    @Test("exactly-once.lua ensures its tasks through lost answers: each once, in order, and a second run creates none")
    func exactlyOnce() async throws {
        // The example, then a check in the same run (the in-process sandbox lives as long as procsh).
        let check = """
            arg = { "200" }
            dofile("scripts/examples/exactly-once.lua")
            sandbox.faults("")
            local again, created = jobruns.ensure("demo-run", (function()
              local t = {}
              for i = 1, 200 do t[i] = jobruns.sendTask{ assignee = "user123", title = ("Quarterly review %02d"):format(i) } end
              return t
            end)(), { parentGroup = "group-review" })
            local titles = {}
            for job in processruns.jobs(processruns.get("demo-run")) do
              local title = job.arguments and job.arguments.sendTaskArgs and job.arguments.sendTaskArgs.title
              if title and title:find("^Quarterly review") then titles[#titles + 1] = title end
            end
            print(("again: created %d; %d in the run, in order: %s"):format(created, #titles,
              tostring(titles[1] == "Quarterly review 01" and titles[200] == "Quarterly review 200")))
            """
        let r = try await Self.procsh(["--sandbox", "-v", "-e", check], timeout: 120)
        #expect(r.termination == .exit(0), "\(r)")
        #expect(r.stdout.contains("ensured 200 job runs in group-review: created 200, found 0\n"), "\(r)")
        #expect(r.stdout.contains("again: created 0; 200 in the run, in order: true\n"), "\(r)")
        #expect(r.stderr.contains("info: jobruns.ensure: jobs "), "answers were lost, and procsh looked into them: \(r)")
    }

    // MARK: Uncaught errors

    @Test("an uncaught error prints its line and a traceback, and exits by kind", arguments: [
        ("jobruns.create('demo-run', {})", Int32(65), "validation: jobs: no job specs"),
        ("jobruns.create('nope', jobruns.sendTask{assignee='user123', title='t'})", 65, "api 404 (404)"),
        ("jobruns.create('demo-run-complete', jobruns.sendTask{assignee='user123', title='t'})", 65, "api 409 (409)"),
        ("sandbox.faults('503=1') processruns.get('demo-run')", 75, "api 503 (503)"),
        ("sandbox.faults('500=1') processruns.get('demo-run')", 69, "api 500 (500)"),
        ("sandbox.faults('reset-after-commit=1') jobruns.create('demo-run', jobruns.sendTask{assignee='user123', title='t'})", 69, "transport"),
        ("sandbox.faults('latency=600s') processruns.get('demo-run')", 75, "timeout: no complete answer in time"),
        ("error('plain')", 1, "(command line):1: plain"),
        ("error({})", 1, "(error object is a table value)"),
    ])
    func uncaught(code: String, status: Int32, line: String) async throws {
        // Only the latency case waits for the request timeout; the token
        // request carries no injected latency.
        let r = try await Self.procsh(["--sandbox", "--request-timeout", "1", "-e", code])
        #expect(r.termination == .exit(status), "\(r)")
        #expect(r.stderr.contains(line), "\(r)")
        if status != 1 {
            #expect(r.stderr.contains("stack traceback:\n"), "\(r)")
        }
    }

    @Test("without credentials or --sandbox, the first API call is an auth error that says what to do")
    func noCredentials() async throws {
        let r = try await Self.procsh(["-e", "print('before'); processruns.get('demo-run')"])
        #expect(r.termination == .exit(77), "\(r)")
        #expect(r.stdout == "before\n", "\(r)")
        #expect(r.stderr.contains("auth: no credentials: set WORKIVA_CLIENT_ID and WORKIVA_CLIENT_SECRET"), "\(r)")
        #expect(r.stderr.contains("--sandbox"), "\(r)")
    }

    @Test("an API that is not there is a transport error (69) naming the request")
    func nothingListening() async throws {
        let r = try await Self.procsh(
            ["--base-url", "http://127.0.0.1:9", "-e", "processruns.get('demo-run')"],
            environment: ["WORKIVA_CLIENT_ID": "id", "WORKIVA_CLIENT_SECRET": "top-secret-value"])
        #expect(r.termination == .exit(69), "\(r)")
        #expect(r.stderr.contains("transport"), "\(r)")
        #expect(!r.stderr.contains("top-secret-value"), "\(r)")
    }

    @Test("bad connection options are usage errors (64)", arguments: [
        (["--region", "mars"], "--region: 'mars' is not a region (us, eu, apac)"),
        (["--base-url"], "--base-url: needs a value"),
        (["--region", "-e"], "--region: needs a value"),
        (["--base-url", "not a url"], "--base-url: 'not a url' is not an absolute URL"),
        (["--base-url=http://example.com"], "refusing plain http to example.com"),
        (["--sandbox", "--region", "eu"], "--sandbox and --region name different APIs"),
        (["--log-level", "loud"], "--log-level: 'loud' is not a level"),
        (["--dry-run=yes"], "--dry-run: takes no value"),
        (["--request-timeout", "0"], "--request-timeout: '0' is not a number of seconds greater than 0"),
    ])
    func badOptions(arguments: [String], message: String) async throws {
        let r = try await Self.procsh(arguments + ["-e", "print(1)"])
        #expect(r.termination == .exit(64), "\(r)")
        #expect(r.stderr.contains(message), "\(r)")
        #expect(r.stdout.isEmpty, "\(r)")
    }

    // MARK: Dry run, logging, require

    @Test("--dry-run prints the exact requests, sends nothing, and still reads")
    func dryRun() async throws {
        let script = """
            local created = jobruns.create("demo-run", {
              jobruns.sendTask{ assignee = "user123", title = "A" },
              jobruns.sendTask{ assignee = "user123", title = "B" },
              jobruns.sendTask{ assignee = "user123", title = "C" },
            }, { relativeSibling = "job-7", before = false, batchSize = 2 })
            print(#created, created[1].id, created[3].id, created[1].dryRun, created[1].arguments.sendTaskArgs.title)
            local n = 0
            for _ in processruns.jobs(processruns.get("demo-run")) do n = n + 1 end
            print("job runs:", n)
            local p = processes.create{ name = "New" }
            local run = processes.run("demo-process")
            print(p.id, p.dryRun, run.id, run.dryRun)
            """
        let r = try await Self.procsh(["--sandbox", "--dry-run", "-e", script])
        #expect(r.termination == .exit(0), "\(r)")
        #expect(r.stdout.contains("3\tdry-run-jobrun-1\tdry-run-jobrun-3\ttrue\tA\n"), "\(r)")
        #expect(r.stdout.contains("job runs:\t6\n"), "the run is unchanged: \(r)")
        #expect(r.stdout.contains("dry-run-process-4\ttrue\tdry-run-run-5\ttrue"), "\(r)")
        let requests = r.stderr.components(separatedBy: "dry run: ").dropFirst()
        #expect(requests.count == 4, "\(r)")
        let first = requests.first ?? ""
        #expect(first.hasPrefix("POST http://127.0.0.1:"), "\(r)")
        #expect(first.contains("/processRuns/demo-run/jobRuns?relativeSiblingId=job-7&before=false\n"), "\(r)")
        #expect(first.contains(#"[{"action":"sendTask","arguments":{"sendTaskArgs":{"assignee":{"id":"user123","type":"user"},"title":"A"},"type":"sendTask"},"triggerType":"whenEligible"},"#), "\(r)")
        // The second batch goes after the last job of the first.
        #expect(requests.dropFirst().first?.contains("relativeSiblingId=dry-run-jobrun-2&before=false") == true, "\(r)")
        #expect(!r.stderr.lowercased().contains("authorization"), "\(r)")
        #expect(!r.stderr.contains("sandbox-secret"), "\(r)")
    }

    @Test("log.* writes to stderr at or above --log-level")
    func logging() async throws {
        let code = "log.debug('d %d', 1) log.info('i %s', 'x') log.warn('w') log.error('e')"
        let info = try await Self.procsh(["-e", code])
        #expect(info.termination == .exit(0), "\(info)")
        let lines = info.stderr.split(separator: "\n")
        #expect(lines.count == 3, "\(info)")
        #expect(lines.first?.hasSuffix(" info: i x") == true, "\(info)")
        #expect(lines.last?.hasSuffix(" error: e") == true, "\(info)")
        let quiet = try await Self.procsh(["--log-level", "warn", "-e", code])
        #expect(quiet.stderr.split(separator: "\n").map { $0.split(separator: " ").dropFirst().joined(separator: " ") } == ["warn: w", "error: e"], "\(quiet)")
        let debug = try await Self.procsh(["--log-level", "debug", "-e", code])
        #expect(debug.stderr.contains(" debug: d 1"), "\(debug)")
    }

    @Test("require 'procsh' returns the module table; globals are the same modules")
    func requireProcsh() async throws {
        let r = try await Self.procsh([
            "-e", "local p = require 'procsh' print(p == procsh, p.jobruns == jobruns, p.json == json, p.version, p.sandbox == nil)",
        ])
        #expect(r.termination == .exit(0), "\(r)")
        #expect(r.stdout == "true\ttrue\ttrue\t0.1.0\ttrue\n", "\(r)")
    }
}
