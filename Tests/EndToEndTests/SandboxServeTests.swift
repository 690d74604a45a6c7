import Foundation
import Testing

/// `procsh sandbox serve` driven as a user would: curl and Python's requests,
/// with the samples of Workiva's createJobRuns page.
@Suite("procsh sandbox serve")
struct SandboxServeTests {
    /// Starts `procsh sandbox serve --port 0` and returns it with its base URL.
    static func serve(_ extra: [String] = []) async throws -> (RunningProcess, String) {
        try #require(!Programs.procshIsReference, "procsh's own subcommand")
        let dir = try makeTempDirectory(files: [:])
        let server = try RunningProcess(
            executable: try Programs.procsh(), arguments: ["sandbox", "serve", "--port", "0"] + extra,
            environment: baseEnvironment(home: dir.path), directory: dir)
        guard await server.waitForStdout(containing: "listening on http://", timeout: 20) else {
            server.send(SIGKILL)
            throw HarnessError("the sandbox did not start: \(server.stderrSoFar)")
        }
        let line = server.stdoutSoFar.split(separator: "\n").first { $0.contains("listening on") }!
        let url = String(line.split(separator: " ").last!)
        return (server, url)
    }

    /// Runs `body` against a fresh `procsh sandbox serve`, then stops it and waits for it.
    static func withServer(_ body: (RunningProcess, String) async throws -> Void) async throws {
        let (server, base) = try await serve()
        do {
            try await body(server, base)
        } catch {
            server.send(SIGTERM)
            _ = await server.wait(timeout: 10)
            throw error
        }
        server.send(SIGTERM)
        let result = await server.wait(timeout: 10)
        #expect(result.termination == .exit(0), "SIGTERM stops the sandbox cleanly: \(result)")
    }

    /// Runs a helper program (curl, the project's Python) and returns its stdout.
    static func tool(_ arguments: [String], input: String? = nil) async throws -> String {
        let dir = try makeTempDirectory(files: [:])
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = dir.path
        let result = try await run(
            "/usr/bin/env", arguments, stdin: input.map { .text($0) } ?? .null, environment: environment, directory: dir,
            mergeStderrIntoStdout: false, timeout: 30)
        guard result.termination == .exit(0) else { throw HarnessError("\(arguments.joined(separator: " ")) failed: \(result)") }
        return result.stdout
    }

    static func token(_ base: String) async throws -> String {
        let answer = try await tool([
            "curl", "-s", "-u", "sandbox-client:sandbox-secret", "-H", "X-Version: 2026-04-01.processes.preview",
            "-d", "grant_type=client_credentials", "\(base)/oauth2/token",
        ])
        let json = try JSONSerialization.jsonObject(with: Data(answer.utf8)) as? [String: Any]
        return try #require(json?["access_token"] as? String, "token answer: \(answer)")
    }

    /// The body example of createjobruns.txt.
    static let body = """
        [{"action":"sendTask","arguments":{"sendTaskArgs":{"assignee":{"id":"user123","type":"user"},"dueDate":"2024-12-15","title":"Review Q4 financial report"},"type":"sendTask"},"triggerType":"whenEligible"},{"action":"contentRequest","arguments":{"contentRequestArgs":{"approver":{"id":"manager456","type":"user"},"assignee":{"id":"user123","type":"user"},"document":"doc456","instructions":"Please fill out rows 1-10 in the spreadsheet.","section":"section-id-123","title":"Content Request 1"},"type":"contentRequest"},"triggerType":"whenEligible"}]
        """

    @Test func theCurlSampleSucceeds() async throws {
        try await Self.withServer { _, base in
            let token = try await Self.token(base)
            // The page's curl sample, with its placeholders filled and the page's body example added.
            let answer = try await Self.tool([
                "curl", "-s", "-w", "\n%{http_code}", "-X", "POST", "\(base)/processRuns/demo-run/jobRuns",
                "-H", "Content-Type: application/json",
                "-H", "Accept: application/json",
                "-H", "Authorization: Bearer \(token)",
                "-H", "X-Version: 2026-04-01.processes.preview",
                "--data-binary", Self.body,
            ])
            #expect(answer.hasSuffix("\n201"), "\(answer)")
            #expect(answer.contains("\"contentRequestArgs\""))
        }
    }

    @Test func thePythonRequestsSampleSucceeds() async throws {
        try await Self.withServer { _, base in
            let token = try await Self.token(base)
            let script = """
                import json, sys
                import requests

                headers = {
                  'X-Version': '2026-04-01.processes.preview',
                  'Content-Type': 'application/json',
                  'Accept': 'application/json',
                  'Authorization': 'Bearer \(token)'
                }

                body = json.loads(sys.argv[1])
                r = requests.post('\(base)/processRuns/demo-run/jobRuns', headers = headers, json = body)

                print(r.status_code)
                print(json.dumps(r.json()))
                """
            let answer = try await Self.tool([try Programs.python(), "-c", script, Self.body])
            let lines = answer.split(separator: "\n")
            #expect(lines.first == "201", "\(answer)")
            #expect(lines.last?.contains("Content Request 1") == true)
        }
    }

    @Test func logsALinePerRequestAndStopsOnSigint() async throws {
        let (server, base) = try await Self.serve()
        _ = try await Self.token(base)
        #expect(await server.waitForStdout(containing: "POST /oauth2/token 200"))
        server.send(SIGINT)
        let result = await server.wait(timeout: 10)
        #expect(result.termination == .exit(0), "\(result)")
    }

    @Test(arguments: [
        (["--faults", "teapot=1"], "unknown fault 'teapot'"),
        (["--port", "99999"], "is not a port number"),
        (["--seed", "/nonexistent/seed.json"], "cannot read the file"),
    ])
    func badOptionsSayWhatIsWrong(options: [String], message: String) async throws {
        try #require(!Programs.procshIsReference)
        let result = try await runNormalised(try Programs.procsh(), ["sandbox", "serve"] + options)
        #expect(result.termination == .exit(64), "\(result)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test func aFileNamedSandboxIsAScriptAsInLua() async throws {
        try #require(!Programs.procshIsReference)
        let result = try await runNormalised(
            try Programs.procsh(), ["sandbox", "serve"], files: ["sandbox": "print('the script ran', ...)"])
        #expect(result.termination == .exit(0))
        #expect(result.stdout == "the script ran\tserve\n")
    }

    @Test func aMissingHelperIsAClearError() async throws {
        try #require(!Programs.procshIsReference)
        let dir = try makeTempDirectory(files: [:])
        defer { try? FileManager.default.removeItem(at: dir) }
        let lonely = dir.appendingPathComponent("procsh").path
        try FileManager.default.copyItem(atPath: try Programs.procsh(), toPath: lonely)
        let result = try await run(lonely, ["sandbox", "serve"], environment: baseEnvironment(home: dir.path), directory: dir)
        #expect(result.termination == .exit(69))
        #expect(result.stderr.contains("sandbox: cannot run \(dir.path)/procsh-sandbox"), "\(result.stderr)")
    }

    @Test func aPortInUseSaysSo() async throws {
        try await Self.withServer { _, base in
            let port = String(base.split(separator: ":").last!)
            let result = try await runNormalised(try Programs.procsh(), ["sandbox", "serve", "--port", port])
            #expect(result.termination == .exit(69))
            #expect(result.stderr.contains("the address is in use"), "\(result.stderr)")
        }
    }
}
