import Foundation
import ProcessesAPI
import Synchronization
import Testing

@testable import Sandbox

/// The client's token caching and refresh (AuthMiddleware, TokenProvider)
/// over real HTTP against the sandbox's own token endpoint and TokenBook,
/// counted from the sandbox's request log.
@Suite("Tokens over real HTTP")
struct TokenTests {
    static let tokenPath = "/oauth2/token"

    /// Monotonic time the test moves by hand, so expiry needs no waiting;
    /// backoff sleeps return at once.
    final class ManualTime: Sendable {
        private let seconds = Mutex<Double>(1000)

        func advance(_ by: Double) { seconds.withLock { $0 += by } }

        var clock: ClientClock {
            ClientClock(
                now: { self.seconds.withLock { $0 } }, wallNow: { Date() }, sleep: { _ in }, random: { _ in 0 })
        }
    }

    /// (method, path, status) of every request the sandbox logged, oldest first.
    static func log(_ f: Fixture) -> [String] {
        f.sandbox.server.requestLog.recent.map { "\($0.method) \($0.path) \($0.status)" }
    }

    @Test("calls in a row share one token")
    func oneTokenForManyCalls() async throws {
        try await Fixture.with { f in
            let client = try f.client()
            _ = try await client.getProcessRun(id: "demo-run")
            _ = try await client.getProcess(id: "demo-process")
            _ = try await client.listProcessesPage(pageSize: 2)
            let created = try await client.createJobRuns(processRunID: "demo-run", jobs: [Jobs.sendTask("token probe")])
            _ = try await client.getProcessRun(id: "demo-run")
            #expect(created.count == 1)
            #expect(f.requests(to: Self.tokenPath).map(\.status) == [200], "\(Self.log(f))")
            let log = Self.log(f)
            #expect(log.first == "POST \(Self.tokenPath) 200", "the token comes first: \(log)")
            #expect(log.count == 6, "one token request and five calls: \(log)")
            #expect(!log.contains { $0.hasSuffix(" 401") }, "\(log)")
            try await client.shutdown()
        }
    }

    @Test("a revoked token: the next call gets a 401, the client fetches one new token, and the call succeeds")
    func revokedTokenIsReplacedOnce() async throws {
        try await Fixture.with { f in
            let client = try f.client()
            _ = try await client.getProcessRun(id: "demo-run")
            #expect(f.requests(to: Self.tokenPath).count == 1)

            f.sandbox.server.tokens.revokeAll()
            let run = try await client.getProcessRun(id: "demo-run")
            #expect(run.id == "demo-run")
            #expect(f.requests(to: Self.tokenPath).count == 2, "exactly one new token: \(Self.log(f))")
            #expect(
                Self.log(f) == [
                    "POST \(Self.tokenPath) 200", "GET /processRuns/demo-run 200",
                    "GET /processRuns/demo-run 401", "POST \(Self.tokenPath) 200", "GET /processRuns/demo-run 200",
                ])

            // The new token is cached in its turn.
            _ = try await client.getProcessRun(id: "demo-run")
            #expect(f.requests(to: Self.tokenPath).count == 2)
            try await client.shutdown()
        }
    }

    @Test("a createJobRuns refused with 401 is sent once more with the new token and done exactly once")
    func revokedTokenOnAWrite() async throws {
        try await Fixture.with { f in
            let client = try f.client()
            _ = try await client.getProcessRun(id: "demo-run")
            let jobs = try f.jobCount()
            f.sandbox.server.tokens.revokeAll()
            let created = try await client.createJobRuns(processRunID: "demo-run", jobs: [Jobs.sendTask("after revoke")])
            #expect(created.count == 1)
            #expect(try f.jobCount() == jobs + 1, "a 401 means the sandbox did nothing: one job run, not two")
            #expect(f.requests(to: "/processRuns/demo-run/jobRuns").map(\.status) == [401, 201])
            #expect(f.requests(to: Self.tokenPath).count == 2)
            try await client.shutdown()
        }
    }

    @Test("calls running together after a revocation share one new token")
    func concurrentCallsShareOneRefresh() async throws {
        try await Fixture.with { f in
            let client = try f.client()
            _ = try await client.getProcessRun(id: "demo-run")
            f.sandbox.server.tokens.revokeAll()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<10 {
                    group.addTask { _ = try await client.getProcessRun(id: "demo-run") }
                }
                try await group.waitForAll()
            }
            #expect(f.requests(to: Self.tokenPath).count == 2, "\(Self.log(f))")
            let reads = f.requests(to: "/processRuns/demo-run").map(\.status)
            #expect(reads.filter { $0 == 200 }.count == 11, "every call succeeded: \(reads)")
            #expect(reads.allSatisfy { $0 == 200 || $0 == 401 }, "\(reads)")
            try await client.shutdown()
        }
    }

    @Test("a token is replaced a minute before it expires, without a 401")
    func tokenIsRefreshedBeforeExpiry() async throws {
        try await Fixture.with { f in
            let time = ManualTime()
            let client = try f.client(clock: time.clock)
            _ = try await client.getProcessRun(id: "demo-run")
            // The sandbox's tokens last 599 s; the client stops using one 60 s before.
            time.advance(TokenBook.lifetime - 61)
            _ = try await client.getProcessRun(id: "demo-run")
            #expect(f.requests(to: Self.tokenPath).count == 1, "61 s left: still used")
            time.advance(2)
            _ = try await client.getProcessRun(id: "demo-run")
            #expect(f.requests(to: Self.tokenPath).count == 2, "59 s left: replaced")
            #expect(!Self.log(f).contains { $0.hasSuffix(" 401") }, "\(Self.log(f))")
            try await client.shutdown()
        }
    }

    @Test("wrong credentials are the client's auth error, after one token request and no API request", arguments: [
        ("sandbox-client", "wrong-secret"), ("no-such-client", "sandbox-secret"),
    ])
    func wrongCredentials(id: String, secret: String) async throws {
        try await Fixture.with { f in
            // Retries on, so a retry loop would show in the counts.
            let client = try f.client(id: id, secret: secret, retry: .standard, clock: ManualTime().clock)
            for attempt in 1...2 {
                let error = try await #require(throws: ProcessesAPIError.self) {
                    _ = try await client.getProcessRun(id: "demo-run")
                }
                #expect(error.kind == .auth)
                #expect(error.status == 401)
                #expect(error.code == "invalid_client")
                #expect(error.retryable == false)
                #expect(error.hint?.contains("check the client id and secret") == true, "\(error)")
                #expect(!"\(error)".contains(secret), "the secret never shows")
                #expect(f.requests(to: Self.tokenPath).map(\.status) == Array(repeating: 401, count: attempt), "one token request per call")
            }
            #expect(f.requests(to: "/processRuns/demo-run").isEmpty, "no API request without a token")
            try await client.shutdown()
        }
    }

    @Test("a scope the client does not have: the hint is about the scope, not the id or secret")
    func scopeNotGranted() async throws {
        try await Fixture.with { f in
            var configuration = try ClientConfiguration(
                baseURL: f.baseURL, credentials: .init(clientID: "sandbox-reader", clientSecret: "sandbox-secret", scope: "file:read file:write"))
            configuration.retry = .none
            configuration.rateLimit = nil
            let client = try ProcessesClient(configuration: configuration)
            let error = try await #require(throws: ProcessesAPIError.self) {
                _ = try await client.getProcessRun(id: "demo-run")
            }
            #expect(error.kind == .auth)
            #expect(error.code == "invalid_scope")
            #expect(error.hint?.contains("scope") == true, "\(error)")
            #expect(error.hint?.contains("WORKIVA_SCOPE") == true, "\(error)")
            #expect(error.hint?.contains("id and secret") == false, "\(error)")
            try await client.shutdown()
        }
    }
}
