import Foundation
import JSON
import Testing

@testable import Sandbox

/// Who may call the sandbox: loopback only unless asked, the admin endpoints
/// behind a token when one is set, and no secrets in the state export unless asked.
@Suite("Sandbox security")
struct SandboxSecurityTests {
    @Test(arguments: [
        ("127.0.0.1", true), ("127.0.0.2", true), ("127.255.255.254", true), ("localhost", true), ("LOCALHOST", true),
        ("::1", true), ("[::1]", true), ("0.0.0.0", false), ("::", false), ("192.168.1.10", false), ("10.0.0.1", false),
        ("127.0.0.256", false), ("127.0.0", false), ("127.example.com", false), ("example.com", false),
    ])
    func whatCountsAsLoopback(host: String, loopback: Bool) {
        #expect(SandboxServer.isLoopback(host) == loopback, "\(host)")
    }

    @Test func aNonLoopbackHostNeedsAllowRemoteAndAnAdminToken() {
        var options = SandboxServer.Options()
        #expect(SandboxServer.refusal(of: options) == nil, "loopback: served as is")
        options.host = "0.0.0.0"
        #expect(SandboxServer.refusal(of: options)?.contains("--allow-remote") == true)
        options.allowRemote = true
        #expect(SandboxServer.refusal(of: options)?.contains("admin token") == true)
        options.adminToken = SandboxServer.newAdminToken()
        #expect(SandboxServer.refusal(of: options) == nil)
    }

    @Test("start() refuses a non-loopback host without allowRemote, before binding anything")
    func startRefusesARemoteHost() async throws {
        var options = SandboxServer.Options()
        options.host = "0.0.0.0"
        options.port = 0
        await #expect(throws: SandboxStartError.self) { _ = try await SandboxServer(options: options).start() }
    }

    @Test func newAdminTokensDiffer() {
        let a = SandboxServer.newAdminToken(), b = SandboxServer.newAdminToken()
        #expect(a != b && a.count > 16)
    }

    @Test("with an admin token, each admin endpoint answers 401 without it, in the API's error shape")
    func theAdminTokenGuardsEveryAdminEndpoint() async throws {
        try await Fixture.with({ $0.adminToken = "adm-secret-1" }) { f in
            for (method, path) in [("GET", "/_sandbox/state"), ("POST", "/_sandbox/reset"), ("GET", "/_sandbox/requests"), ("GET", "/_sandbox/stats")] {
                let none = try await f.raw(method, path)
                #expect(none.status == 401, "\(method) \(path)")
                #expect(none.json?["code"]?.stringValue == "Unauthorized", "\(none.text)")
                #expect(none.headers.first(name: "WWW-Authenticate") == "Bearer")
                #expect(try await f.raw(method, path, bearer: "adm-secret-2").status == 401)
                #expect(try await f.raw(method, path, bearer: "adm-secret-1").status == 200, "\(method) \(path)")
            }
            // Every route under /_sandbox/, including those added later (job run statuses).
            #expect(try await f.raw("POST", "/_sandbox/jobRuns/job-7/status", body: #"{"status":"complete"}"#).status == 401)
            #expect(try await f.raw("POST", "/_sandbox/jobRuns/job-7/status", body: #"{"status":"complete"}"#, bearer: "adm-secret-1").status == 200)
            // An API token is no admin token, and the API does not take the admin token.
            let token = try await f.token()
            #expect(try await f.raw("GET", "/_sandbox/stats", bearer: token).status == 401)
            #expect(try await f.raw("GET", "/processRuns/demo-run", bearer: "adm-secret-1").status == 401)
            #expect(try await f.raw("GET", "/processRuns/demo-run", bearer: token).status == 200)
        }
    }

    @Test func withoutAnAdminTokenTheAdminEndpointsAreOpenOnLoopback() async throws {
        try await Fixture.with { f in
            let stats = try await f.raw("GET", "/_sandbox/stats")
            #expect(stats.status == 200)
        }
    }

    @Test("the state export leaves the clients' secrets out unless ?secrets=true")
    func theStateExportLeavesSecretsOut() async throws {
        try await Fixture.with { f in
            let plain = try await f.raw("GET", "/_sandbox/state")
            #expect(plain.status == 200)
            let clients = plain.json?["clients"]?.arrayValue ?? []
            #expect(clients.compactMap { $0["id"]?.stringValue } == ["sandbox-client", "sandbox-reader"])
            #expect(clients.allSatisfy { $0["secret"] == nil && $0["scopes"] != nil }, "\(plain.text)")
            #expect(!plain.text.contains("sandbox-secret"))
            #expect(try await f.raw("GET", "/_sandbox/state?secrets=false").text == plain.text)
            let full = try await f.raw("GET", "/_sandbox/state?secrets=true")
            #expect(full.status == 200)
            let secrets = (full.json?["clients"]?.arrayValue ?? []).compactMap { $0["secret"]?.stringValue }
            #expect(secrets == ["sandbox-secret", "sandbox-secret"], "\(full.text)")
            let bad = try await f.raw("GET", "/_sandbox/state?secrets=1")
            #expect(bad.status == 400 && bad.json?["target"]?.stringValue == "secrets", "\(bad.text)")
        }
    }

    @Test("the secrets are exported only on loopback")
    func theSecretsOnlyOnLoopback() throws {
        #expect(try SandboxServer.exportsSecrets(query: "true", host: "127.0.0.1"))
        #expect(try !SandboxServer.exportsSecrets(query: nil, host: "0.0.0.0"))
        #expect(try !SandboxServer.exportsSecrets(query: "false", host: "0.0.0.0"))
        do {
            _ = try SandboxServer.exportsSecrets(query: "true", host: "0.0.0.0")
            Issue.record("exported secrets off loopback")
        } catch {
            #expect(error.status == 403 && String(decoding: error.body, as: UTF8.self).contains("loopback"))
        }
    }
}
