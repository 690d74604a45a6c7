import Foundation
import Testing

/// The client secret and access tokens never appear in what procsh prints:
/// stdout, stderr (every log level, text and JSON logs), error tables as a
/// script sees them, uncaught errors, dry-run output. (History: the prompt's
/// pty test; the credentials file's mode: ConfigTests; plain http and a
/// foreign `@nextLink`: LuaAPITests and PaginationTests.)
@Suite("Secrets", .enabled(if: !Programs.procshIsReference, "procsh's own client"))
struct SecretsTests {
    static let wrongSecret = "wrong-secret-9d1c"
    /// What must never be printed: the secrets, the sandbox's tokens (`sbx_...`),
    /// and HTTP Basic credentials built from them.
    static let forbidden: [String] = {
        let pairs = ["sandbox-client:sandbox-secret", "sandbox-reader:sandbox-secret", "sandbox-client:\(wrongSecret)"]
        return ["sandbox-secret", wrongSecret, "sbx_"] + pairs.map { Data($0.utf8).base64EncodedString() }
    }()

    /// Every binding's result or error, shown the ways a script can show it.
    static let script = """
        local function show(label, f, ...)
          local ok, e = pcall(f, ...)
          print(label, ok, procsh.inspect(e, { raw = true }))
          if not ok then print(label, tostring(e), select(2, pcall(json.encode, e))) end
        end
        local task = jobruns.sendTask{ assignee = "user123", title = "Secrets" }
        show("get", processruns.get, "demo-run")
        show("create", jobruns.create, "demo-run", task, { relativeSibling = "job-7", before = false })
        show("notfound", processruns.get, "nope")
        show("conflict", jobruns.create, "demo-run", task, { parentGroup = "group-certification" })
        show("invalid", jobruns.create, "demo-run", { { action = "sendTask" } })
        show("list", function() local n = 0 for p in processes.list{ pageSize = 1 } do n = n + 1 end return n end)
        processruns.get("nope")
        """

    static let cases: [(name: String, clientID: String, secret: String, extra: [String])] = [
        ("the right credentials", "sandbox-client", "sandbox-secret", []),
        ("a wrong secret", "sandbox-client", wrongSecret, []),
        ("a client without write scope", "sandbox-reader", "sandbox-secret", []),
        ("a dry run", "sandbox-client", "sandbox-secret", ["--dry-run"]),
    ]

    @Test("no secret or token in any output, at any log level, in any error path", arguments: ["trace", "debug", "info", "error"])
    func nothingSecretIsPrinted(level: String) async throws {
        let (server, base) = try await SandboxServeTests.serve(["--quiet"])
        defer { server.send(SIGTERM) }
        var runs: [(String, ProcessResult)] = []
        for c in Self.cases {
            for format in ["text", "json"] {
                let home = try makeTempDirectory()
                var environment = baseEnvironment(home: home.path)
                environment["WORKIVA_CLIENT_ID"] = c.clientID
                environment["WORKIVA_CLIENT_SECRET"] = c.secret
                let r = try await run(
                    try Programs.procsh(),
                    ["--base-url", base, "--log-level", level, "--log-format", format] + c.extra + ["-e", Self.script],
                    environment: environment, directory: home, timeout: 60)
                runs.append(("\(c.name), \(format) logs", r))
            }
        }
        // The API not there at all: a transport error.
        let home = try makeTempDirectory()
        var environment = baseEnvironment(home: home.path)
        environment["WORKIVA_CLIENT_ID"] = "sandbox-client"
        environment["WORKIVA_CLIENT_SECRET"] = "sandbox-secret"
        runs.append(("no API", try await run(
            try Programs.procsh(), ["--base-url", "http://127.0.0.1:9", "--log-level", level, "-e", Self.script],
            environment: environment, directory: home, timeout: 120)))

        for (name, r) in runs {
            #expect(r.termination != .exit(0), "each run ends with the uncaught error: \(name)")
            #expect(!r.stdout.isEmpty || name == "no API", "the script ran: \(name) \(r)")
            for secret in Self.forbidden {
                #expect(!r.stdout.contains(secret) && !r.stderr.contains(secret), "\(name): '\(secret)' was printed\n\(r)")
            }
        }
        // The runs did reach the places where secrets could leak.
        let all = runs.map { $0.1.stdout + $0.1.stderr }.joined()
        #expect(all.contains("POST /oauth2/token"), "token requests were logged")
        #expect(all.contains("invalid_client"), "the wrong secret was refused")
        #expect(all.contains("dry run: POST"), "the dry run printed its requests")
    }
}
