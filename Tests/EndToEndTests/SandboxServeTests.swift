import Foundation
import Testing

/// `procsh sandbox serve` driven as a user would: curl and Python's requests,
/// with the samples of Workiva's createJobRuns page.
@Suite("procsh sandbox serve", .enabled(if: !Programs.procshIsReference, "procsh's own subcommand"))
struct SandboxServeTests {
    /// Starts `procsh sandbox serve --port 0` and returns it with its base URL.
    static func serve(_ extra: [String] = [], environment: [String: String] = [:]) async throws -> (RunningProcess, String) {
        try #require(!Programs.procshIsReference, "procsh's own subcommand")
        let dir = try makeTempDirectory(files: [:])
        let server = try RunningProcess(
            executable: try Programs.procsh(), arguments: ["sandbox", "serve", "--port", "0"] + extra,
            environment: baseEnvironment(home: dir.path).merging(environment) { $1 }, directory: dir)
        guard await server.waitForStdout(containing: "listening on http://", timeout: 20) else {
            server.send(SIGKILL)
            throw HarnessError("the sandbox did not start: \(server.stderrSoFar)")
        }
        guard let line = server.stdoutSoFar.split(separator: "\n").first(where: { $0.contains("listening on") }),
            let url = line.split(separator: " ").last
        else {
            throw HarnessError("no address in the sandbox's banner: \(server.stdoutSoFar)")
        }
        return (server, String(url))
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

    /// Workiva's authentication sample for Python, its placeholders filled in: the token
    /// request form-encoded, with no X-Version (the IAM reference documents none), the
    /// client's id and secret in the form (`form`) or by HTTP Basic (`basic`). Then the
    /// token at work on a read, as every API request is sent. Prints one JSON document.
    static let tokenSample = """
        import json, sys
        import requests

        base, how = sys.argv[1], sys.argv[2]
        url = base + (sys.argv[3] if len(sys.argv) > 3 else '/oauth2/token')
        headers = {
          'Content-Type': 'application/x-www-form-urlencoded'
        }
        if how == 'form':
            payload = 'client_id=sandbox-client&client_secret=sandbox-secret&grant_type=client_credentials'
            response = requests.request('POST', url, headers=headers, data=payload)
        else:
            payload = 'grant_type=client_credentials'
            response = requests.request('POST', url, headers=headers, data=payload, auth=('sandbox-client', 'sandbox-secret'))

        out = {'status': response.status_code, 'sent': sorted(response.request.headers), 'answer': response.json()}
        token = out['answer'].get('access_token')
        if token:
            run = requests.get(base + '/processRuns/demo-run', headers={
              'X-Version': '2026-04-01.processes.preview',
              'Accept': 'application/json',
              'Authorization': 'Bearer ' + token
            })
            out['run'] = {'status': run.status_code, 'answer': run.json()}
        print(json.dumps(out))
        """

    @Test(
        "Workiva's Python authentication sample gets a token (no X-Version) that reads a run, at the current and the 2022-01-01 path",
        arguments: ["form", "basic"], ["/oauth2/token", "/iam/v1/oauth2/token"])
    func thePythonTokenSampleSucceeds(how: String, path: String) async throws {
        try await Self.withServer { _, base in
            let answer = try await Self.tool([try Programs.python(), "-c", Self.tokenSample, base, how, path])
            let out = try #require(try JSONSerialization.jsonObject(with: Data(answer.utf8)) as? [String: Any], "\(answer)")
            let sent = (out["sent"] as? [String] ?? []).map { $0.lowercased() }
            #expect(!sent.contains("x-version"), "the sample sends no X-Version: \(sent)")
            #expect(sent.contains("authorization") == (how == "basic"), "\(sent)")
            #expect(out["status"] as? Int == 200, "\(answer)")
            let token = out["answer"] as? [String: Any]
            #expect((token?["token_type"] as? String)?.lowercased() == "bearer", "\(answer)")
            #expect((token?["access_token"] as? String)?.isEmpty == false, "\(answer)")
            #expect(token?["expires_in"] as? Int == 599, "\(answer)")
            let run = try #require(out["run"] as? [String: Any], "no token to read with: \(answer)")
            #expect(run["status"] as? Int == 200, "\(answer)")
            #expect((run["answer"] as? [String: Any])?["id"] as? String == "demo-run", "\(answer)")
        }
    }

    @Test("a token request with another API's X-Version (2022-01-01) gets 400 invalid_request, OAuth's shape")
    func aTokenRequestWithAWrongVersionIsRefused() async throws {
        try await Self.withServer { _, base in
            let script = """
                import json, sys
                import requests

                r = requests.post(sys.argv[1] + '/oauth2/token', auth=('sandbox-client', 'sandbox-secret'),
                                  headers={'X-Version': '2022-01-01'}, data={'grant_type': 'client_credentials'})
                print(json.dumps({'status': r.status_code, 'answer': r.json()}))
                """
            let answer = try await Self.tool([try Programs.python(), "-c", script, base])
            let out = try #require(try JSONSerialization.jsonObject(with: Data(answer.utf8)) as? [String: Any], "\(answer)")
            #expect(out["status"] as? Int == 400, "\(answer)")
            let error = out["answer"] as? [String: Any]
            #expect(error?["error"] as? String == "invalid_request", "\(answer)")
            #expect((error?["error_description"] as? String)?.contains("X-Version") == true, "\(answer)")
            #expect(error?["access_token"] == nil, "no token for a refused request: \(answer)")
        }
    }

    @Test("the 2022-01-01 token path /iam/v1/oauth2/token gives the same errors as /oauth2/token")
    func theOldTokenPathGivesTheSameErrors() async throws {
        try await Self.withServer { _, base in
            let script = """
                import json, sys
                import requests

                out = {}
                for path in ['/oauth2/token', '/iam/v1/oauth2/token']:
                    url = sys.argv[1] + path
                    answers = [
                        requests.post(url, data={'client_id': 'sandbox-client', 'client_secret': 'wrong', 'grant_type': 'client_credentials'}),
                        requests.post(url, auth=('sandbox-client', 'sandbox-secret'), data={'grant_type': 'password'}),
                        requests.post(url, data={'grant_type': 'client_credentials'}),
                        requests.post(url, auth=('sandbox-reader', 'sandbox-secret'), data={'grant_type': 'client_credentials', 'scope': 'file:write'}),
                    ]
                    out[path] = [[r.status_code, r.json().get('error')] for r in answers]
                print(json.dumps(out))
                """
            let answer = try await Self.tool([try Programs.python(), "-c", script, base])
            let out = try #require(try JSONSerialization.jsonObject(with: Data(answer.utf8)) as? [String: [[Any]]], "\(answer)")
            func summary(_ path: String) -> [String] { (out[path] ?? []).map { (r: [Any]) -> String in "\(r[0]) \(r[1])" } }
            let old = summary("/iam/v1/oauth2/token")
            let expected = ["401 invalid_client", "400 unsupported_grant_type", "401 invalid_client", "400 invalid_scope"]
            #expect(old == expected, "\(answer)")
            #expect(old == summary("/oauth2/token"), "\(answer)")
        }
    }

    /// `curl -s` of an admin endpoint: the status and the body.
    static func admin(_ method: String, _ url: String, token: String? = nil) async throws -> (status: Int, body: String) {
        var arguments = ["curl", "-s", "-w", "\n%{http_code}", "-X", method, url]
        if let token { arguments += ["-H", "Authorization: Bearer \(token)"] }
        let answer = try await tool(arguments)
        let lines = answer.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
    }

    @Test("--admin-token: the /_sandbox/ endpoints answer 401 without it; the banner does not print a given token")
    func theAdminEndpointsNeedTheTokenWhenOneIsSet() async throws {
        let (server, base) = try await Self.serve(["--admin-token", "adm-7f3e9c"])
        defer { server.send(SIGTERM) }
        #expect(server.stdoutSoFar.contains("admin token: required"), "\(server.stdoutSoFar)")
        #expect(!server.stdoutSoFar.contains("adm-7f3e9c"), "\(server.stdoutSoFar)")
        for (method, path) in [("GET", "state"), ("POST", "reset"), ("GET", "requests"), ("GET", "stats")] {
            let none = try await Self.admin(method, "\(base)/_sandbox/\(path)")
            #expect(none.status == 401, "\(method) \(path): \(none)")
            let error = try JSONSerialization.jsonObject(with: Data(none.body.utf8)) as? [String: Any]
            #expect(error?["code"] as? String == "Unauthorized", "\(none)")
            #expect((error?["message"] as? String)?.contains("admin token") == true, "\(none)")
            #expect(try await Self.admin(method, "\(base)/_sandbox/\(path)", token: "adm-wrong").status == 401)
            #expect(try await Self.admin(method, "\(base)/_sandbox/\(path)", token: "adm-7f3e9c").status == 200, "\(method) \(path)")
        }
        _ = try await Self.token(base)  // the API itself is as before
    }

    @Test(
        "--allow-remote: a warning, and an admin token (made up and printed once, or the one given, not printed); tried on 192.0.2.1 (TEST-NET-1), which no machine has, so nothing public is bound",
        arguments: [[], ["--admin-token", "adm-given-5"]])
    func allowRemoteWarnsAndNeedsAnAdminToken(extra: [String]) async throws {
        try #require(!Programs.procshIsReference)
        let result = try await runNormalised(try Programs.procsh(), ["sandbox", "serve", "--host", "192.0.2.1", "--allow-remote", "--port", "0"] + extra)
        #expect(result.stderr.contains("warning: listening on 192.0.2.1, not loopback"), "\(result.stderr)")
        if extra.isEmpty {
            #expect(result.stderr.contains("need the admin token sbxadm_"), "\(result.stderr)")
        } else {
            #expect(result.stderr.contains("need the admin token given") && !result.stderr.contains("adm-given-5"), "\(result.stderr)")
        }
        #expect(result.stderr.contains("cannot listen on 192.0.2.1: it is not an address of this machine"), "\(result.stderr)")
        #expect(result.termination == .exit(69), "\(result)")
    }

    @Test("PROCSH_SANDBOX_ADMIN_TOKEN sets the admin token as --admin-token does")
    func theAdminTokenFromTheEnvironment() async throws {
        let (server, base) = try await Self.serve(environment: ["PROCSH_SANDBOX_ADMIN_TOKEN": "adm-env-42"])
        defer { server.send(SIGTERM) }
        #expect(try await Self.admin("GET", "\(base)/_sandbox/stats").status == 401)
        #expect(try await Self.admin("GET", "\(base)/_sandbox/stats", token: "adm-env-42").status == 200)
    }

    @Test("GET /_sandbox/state leaves the clients' secrets out unless ?secrets=true (on loopback)")
    func theStateExportLeavesSecretsOut() async throws {
        try await Self.withServer { _, base in
            let plain = try await Self.admin("GET", "\(base)/_sandbox/state")
            #expect(plain.status == 200)
            #expect(plain.body.contains("\"sandbox-client\""), "the clients are there: \(plain.body.prefix(300))")
            #expect(!plain.body.contains("sandbox-secret") && !plain.body.contains("\"secret\""), "\(plain.body)")
            let full = try await Self.admin("GET", "\(base)/_sandbox/state?secrets=true")
            #expect(full.status == 200)
            #expect(full.body.contains("\"secret\" : \"sandbox-secret\""), "\(full.body)")
            #expect(try await Self.admin("GET", "\(base)/_sandbox/state?secrets=yes").status == 400)
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
        (["--host", "0.0.0.0"], "--host 0.0.0.0 is not a loopback address"),
        (["--host", "192.0.2.1", "--port", "0"], "add --allow-remote if you mean it"),
        (["--admin-token", ""], "--admin-token must not be empty"),
    ])
    func badOptionsSayWhatIsWrong(options: [String], message: String) async throws {
        try #require(!Programs.procshIsReference)
        let result = try await runNormalised(try Programs.procsh(), ["sandbox", "serve"] + options)
        #expect(result.termination == .exit(64), "\(result)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stderr.contains("Usage: procsh sandbox serve ["), "serve's usage, not sandbox's: \(result.stderr)")
    }

    @Test("--seed: the banner says what the seed holds (its clients, without secrets, and its runs), not the demo's")
    func theBannerOfASeed() async throws {
        try #require(!Programs.procshIsReference)
        let seed = """
            {"principals": [], "documents": [], "processes": [],
             "clients": [{"id": "ci-bot", "secret": "bot-secret-123", "scopes": ["file:read", "file:write"]},
                         {"id": "auditor", "secret": "aud-secret-456", "scopes": ["file:read"]}],
             "processRuns": [{"id": "run-a", "name": "A", "status": "running", "children": []},
                             {"id": "run-b", "name": "B", "status": "complete", "children": []}]}
            """
        let dir = try makeTempDirectory(files: ["seed.json": seed])
        defer { try? FileManager.default.removeItem(at: dir) }
        let server = try RunningProcess(
            executable: try Programs.procsh(), arguments: ["sandbox", "serve", "--port", "0", "--seed", "seed.json"],
            environment: baseEnvironment(home: dir.path), directory: dir)
        let started = await server.waitForStdout(containing: "  admin: ", timeout: 20)
        server.send(SIGTERM)
        let result = await server.wait(timeout: 10)
        #expect(started, "\(result)")
        let banner = result.stdout
        #expect(banner.contains("\n  data: seed.json\n"), "\(banner)")
        #expect(banner.contains("\n  clients: ci-bot (file:read file:write), auditor (file:read); their secrets are in seed.json\n"), "\(banner)")
        #expect(banner.contains("\n  process runs: run-a (running), run-b (complete)\n"), "\(banner)")
        #expect(banner.contains("  token: curl -s -u ci-bot:SECRET -d grant_type=client_credentials http://127.0.0.1:"), "\(banner)")
        for demo in ["demo-run", "sandbox-client", "sandbox-secret", "demo credentials"] {
            #expect(!banner.contains(demo), "the demo's \(demo) is not in this sandbox: \(banner)")
        }
        #expect(!banner.contains("bot-secret-123") && !banner.contains("aud-secret-456"), "\(banner)")
    }

    @Test func aFileNamedSandboxIsAScriptAsInLua() async throws {
        try #require(!Programs.procshIsReference)
        let result = try await runNormalised(
            try Programs.procsh(), ["sandbox", "serve"], files: ["sandbox": "print('the script ran', ...)"])
        #expect(result.termination == .exit(0))
        #expect(result.stdout == "the script ran\tserve\n")
    }

    /// `procsh sandbox` runs in procsh: a copy of procsh alone serves it.
    @Test func procshAloneServesTheSandbox() async throws {
        try #require(!Programs.procshIsReference)
        let dir = try makeTempDirectory(files: [:])
        defer { try? FileManager.default.removeItem(at: dir) }
        let lonely = dir.appendingPathComponent("procsh").path
        try FileManager.default.copyItem(atPath: try Programs.procsh(), toPath: lonely)
        let result = try await run(lonely, ["sandbox", "serve", "--help"], environment: baseEnvironment(home: dir.path), directory: dir)
        #expect(result.termination == .exit(0), "\(result)")
        #expect(result.stdout.contains("USAGE: procsh sandbox serve"), "\(result.stdout)")
        let wrong = try await run(lonely, ["sandbox", "serve", "--bogus"], environment: baseEnvironment(home: dir.path), directory: dir)
        #expect(wrong.termination == .exit(64))
        #expect(wrong.stderr.contains("Unknown option '--bogus'"), "\(wrong.stderr)")
    }

    @Test func aPortInUseSaysSo() async throws {
        try await Self.withServer { _, base in
            let port = try #require(base.split(separator: ":").last.map(String.init), "\(base)")
            let result = try await runNormalised(try Programs.procsh(), ["sandbox", "serve", "--port", port])
            #expect(result.termination == .exit(69))
            #expect(result.stderr.contains("the address is in use"), "\(result.stderr)")
        }
    }
}
