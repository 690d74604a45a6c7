import Foundation
import Testing

/// Reliability, end to end (docs/reliability.md): faults injected by
/// `procsh sandbox serve`, a misbehaving server, schemathesis against the
/// sandbox, the bindings fuzzer. Each runs a small subset by default and the
/// full size with `PROCSH_FULL=1`. The figures are printed as `reliability:`
/// lines in the test log.
@Suite("Reliability", .serialized, .enabled(if: !Programs.procshIsReference, "procsh's own sandbox and bindings"))
struct ReliabilityTests {
    static let full = ProcessInfo.processInfo.environment["PROCSH_FULL"] == "1"

    /// Runs procsh against `base` as a Workiva client would (credentials from the environment).
    static func procsh(_ base: String, _ arguments: [String], timeout: Double = 300) async throws -> ProcessResult {
        let home = try makeTempDirectory()
        var environment = baseEnvironment(home: home.path)
        environment["WORKIVA_CLIENT_ID"] = "sandbox-client"
        environment["WORKIVA_CLIENT_SECRET"] = "sandbox-secret"
        return try await run(
            try Programs.procsh(), ["--base-url", base] + arguments, environment: environment,
            directory: Programs.packageRoot, timeout: timeout)
    }

    /// How many job runs of `run` have a title starting with `prefix`, read with curl.
    static func titles(startingWith prefix: String, base: String) async throws -> Int {
        let token = try await SandboxServeTests.token(base)
        let answer = try await SandboxServeTests.tool([
            "curl", "-s", "-H", "X-Version: 2026-04-01.processes.preview", "-H", "Authorization: Bearer \(token)",
            "\(base)/processRuns/demo-run",
        ])
        return answer.components(separatedBy: "\"title\":\"\(prefix) ").count - 1
    }

    /// Runs one of the reliability programs (Python, bash) from the package root with the user's PATH.
    static func tool(_ arguments: [String], timeout: Double) async throws -> ProcessResult {
        let home = try makeTempDirectory()
        var environment = baseEnvironment(home: home.path)
        environment["PATH"] = ProcessInfo.processInfo.environment["PATH"] ?? environment["PATH"]
        return try await run("/usr/bin/env", arguments, environment: environment, directory: Programs.packageRoot, timeout: timeout)
    }

    static func stats(_ base: String) async throws -> String {
        try await SandboxServeTests.tool(["curl", "-s", "\(base)/_sandbox/stats"])
    }

    static func stop(_ server: RunningProcess) async {
        server.send(SIGTERM)
        _ = await server.wait(timeout: 10)
    }

    // The faults that lose answers, and those procsh retries itself, are proven in
    // ExactlyOnceTests (Tests/reliability/exactly-once/).

    @Test("latency with --timeout: a clean timeout (75) naming the request, no hang")
    func latencyAndRunTimeout() async throws {
        // The sandbox would answer after 10 minutes: only the run's limit can end this in time.
        let (server, base) = try await SandboxServeTests.serve(["--faults", "latency=600s", "--quiet"])
        let started = Date()
        let result = try await Self.procsh(base, ["--timeout", "1", "-e", "processruns.get('demo-run')"], timeout: 120)
        let elapsed = Date().timeIntervalSince(started)
        await Self.stop(server)
        #expect(!result.timedOut, "procsh stopped at its limit: \(result)")
        #expect(result.termination == .exit(75), "\(result)")
        #expect(result.stderr.contains("timeout (runTimeout)") && result.stderr.contains("[GET /processRuns/demo-run]"), "\(result)")
        print("reliability: latency=600s with --timeout 1: exit 75 after \(String(format: "%.1f", elapsed)) s")
    }

    @Test("a misbehaving server: every case a typed error in time, no crash, no hang, no credentials elsewhere")
    func misbehavingServer() async throws {
        let result = try await Self.tool(
            [try Programs.python(), "Tests/reliability/misbehaving/test_misbehaving.py", try Programs.procsh()], timeout: 240)
        #expect(result.termination == .exit(0), "\(result)")
        let summary = result.stdout.split(separator: "\n").last { $0.hasPrefix("misbehaving:") } ?? "no summary"
        #expect(summary.contains(" 0 failed"), "\(result)")
        print("reliability: \(summary)")
    }

    @Test("schemathesis against the sandbox's openapi.yaml: no 5xx, no answer outside the schema")
    func schemathesis() async throws {
        let result = try await Self.tool(
            ["bash", "Tests/reliability/schema/run_schemathesis.sh", try Programs.procsh(), Self.full ? "300" : "30"], timeout: 900)
        #expect(result.termination == .exit(0), "\(result)")
        let summary = result.stdout.split(separator: "\n").last { $0.hasPrefix("schemathesis:") } ?? "no summary"
        #expect(summary.hasSuffix(" 0 failures"), "\(result)")
        print("reliability: \(summary)")
    }

    @Test("wrk against the sandbox: only 201s, every job run kept, memory back to its baseline after reset")
    func sandboxUnderLoad() async throws {
        let result = try await Self.tool(
            [try Programs.python(), "Tests/reliability/load/wrk_load.py", try Programs.procsh(), Self.full ? "30" : "5", "64"], timeout: 180)
        #expect(result.termination == .exit(0), "\(result)")
        let summary = result.stdout.split(separator: "\n").first { $0.hasPrefix("load:") } ?? "no summary"
        print("reliability: \(summary)")
    }

    @Test("the bindings fuzzed: every call a result of the right type or a typed error, no crash, no hang")
    func bindingsFuzz() async throws {
        let (iterations, seeds) = Self.full ? (10_000, [1, 2, 3]) : (2_000, [1])
        for seed in seeds {
            let home = try makeTempDirectory()
            var environment = baseEnvironment(home: home.path)
            environment["PATH"] = ProcessInfo.processInfo.environment["PATH"] ?? environment["PATH"]
            let result = try await run(
                try Programs.procsh(), ["--sandbox", "Tests/reliability/fuzz/bindings_fuzz.lua", "\(iterations)", "\(seed)"],
                environment: environment, directory: Programs.packageRoot, timeout: 600)
            #expect(result.termination == .exit(0), "seed \(seed): \(result)")
            let summary = result.stdout.split(separator: "\n").last { $0.hasPrefix("bindings fuzz:") } ?? "no summary"
            #expect(summary.contains(" 0 findings"), "seed \(seed): \(result)")
            print("reliability: seed \(seed), \(iterations) iterations: \(summary)")
        }
    }

    @Test("memcheck: LuaKit's and Bindings' tests without an invalid access or a leak, and no leak growth over 110,000 failing calls",
          .enabled(if: full, "the full run (PROCSH_FULL=1): a few minutes under valgrind"))
    func memcheck() async throws {
        let result = try await Self.tool(["bash", "Tests/reliability/memory/memcheck.sh"], timeout: 1800)
        #expect(result.termination == .exit(0), "\(result)")
        for line in result.stdout.split(separator: "\n") where line.hasPrefix("memcheck:") {
            print("reliability: \(line)")
        }
    }
}
