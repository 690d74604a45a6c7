import Foundation
import HTTPTypes
import JSON
import Testing
@testable import ProcessesAPI

@Suite("Authentication")
struct AuthenticationTests {
    @Test func tokenIsFetchedOnceAndSentAsBearer() async throws {
        let server = FakeServer { _, _ in .json(200, processRunBody) }
        let client = try makeClient(server)
        for _ in 0..<3 { _ = try await client.getProcessRun(id: "run-1") }
        #expect(server.tokenRequests.count == 1)
        #expect(server.apiRequests.count == 3)
        #expect(server.apiRequests.allSatisfy { $0.headers[.authorization] == "Bearer token-1" })
        let token = try #require(server.tokenRequests.first)
        #expect(token.method == "POST")
        #expect(token.path == "/oauth2/token")
        let basic = "Basic " + Data("client-id-1:s3cr3t-value".utf8).base64EncodedString()
        #expect(token.headers[.authorization] == basic, "HTTP Basic client authentication")
        #expect(token.headers[.contentType]?.hasPrefix("application/x-www-form-urlencoded") == true)
        #expect(token.body == "grant_type=client_credentials")
        #expect(!token.body.contains("s3cr3t"), "the secret travels in the Authorization header only")
    }

    @Test func everyRequestCarriesVersionAndUserAgent() async throws {
        let server = FakeServer { _, _ in .json(200, processRunBody) }
        _ = try await makeClient(server).getProcessRun(id: "run-1")
        let version = try #require(HTTPField.Name("X-Version"))
        for request in server.requests {
            #expect(request.headers[.userAgent] == "procsh/\(APIVersion.procsh)")
        }
        for request in server.apiRequests {
            #expect(request.headers[version] == "2026-04-01.processes.preview")
        }
        // The token request goes as Workiva's samples send it (docs/api-client.md).
        #expect(server.tokenRequests.map { $0.headers[version] } == [nil])
        #expect(server.requests.count == 2)
    }

    @Test func tokenIsRefreshedAMinuteBeforeExpiry() async throws {
        let server = FakeServer(
            token: { _, n in .json(200, #"{"access_token":"t\#(n)","expires_in":120,"token_type":"Bearer"}"#) },
            handler: { _, _ in .json(200, processRunBody) })
        let clock = FakeClock()
        let client = try makeClient(server, clock: clock)
        _ = try await client.getProcessRun(id: "run-1")
        clock.advance(59)
        _ = try await client.getProcessRun(id: "run-1")
        #expect(server.tokenRequests.count == 1, "61 s left: still used")
        clock.advance(2)
        _ = try await client.getProcessRun(id: "run-1")
        #expect(server.tokenRequests.count == 2, "59 s left: replaced")
        #expect(server.apiRequests.map { $0.headers[.authorization] } == ["Bearer t1", "Bearer t1", "Bearer t2"])
    }

    @Test func fiftyConcurrentCallsShareOneRefresh() async throws {
        let gate = Gate()
        let server = FakeServer(
            token: { _, n in
                await gate.wait()
                return .json(200, #"{"access_token":"t\#(n)","expires_in":599,"token_type":"Bearer"}"#)
            },
            handler: { _, _ in .json(200, processRunBody) })
        let client = try makeClient(server)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<50 {
                group.addTask { _ = try await client.getProcessRun(id: "run-1") }
            }
            while server.tokenRequests.isEmpty { await Task.yield() }
            for _ in 0..<200 { await Task.yield() }  // let every call reach the token
            await gate.open()
            try await group.waitForAll()
        }
        #expect(server.tokenRequests.count == 1)
        #expect(server.apiRequests.count == 50)
        #expect(server.apiRequests.allSatisfy { $0.headers[.authorization] == "Bearer t1" })
    }

    @Test func unauthorizedRefreshesOnceAndRetriesOnce() async throws {
        let server = FakeServer { _, n in
            n == 1 ? .json(401, #"{"code":"Unauthorized","message":"Bad credentials"}"#) : .json(200, processRunBody)
        }
        let run = try await makeClient(server).getProcessRun(id: "run-1")
        #expect(run.id == "run-1")
        #expect(server.tokenRequests.count == 2)
        #expect(server.apiRequests.map { $0.headers[.authorization] } == ["Bearer token-1", "Bearer token-2"])
    }

    @Test func unauthorizedTwiceIsAnAuthError() async throws {
        let server = FakeServer { _, _ in .json(401, #"{"code":"Unauthorized","message":"Bad credentials"}"#) }
        let error = try await #require(throws: ProcessesAPIError.self) {
            _ = try await makeClient(server).createJobRuns(processRunID: "run-1", jobs: [sendTaskJob])
        }
        #expect(error.kind == .auth)
        #expect(error.status == 401)
        #expect(error.code == "Unauthorized")
        #expect(server.apiRequests.count == 2, "one refresh, one retry, no more")
    }

    @Test func tokenErrorsAreAuthErrorsWithoutSecrets() async throws {
        let server = FakeServer(
            token: { _, _ in .json(401, #"{"error":"invalid_client","error_description":"Client authentication failed"}"#) },
            handler: { _, _ in .json(200, processRunBody) })
        let error = try await #require(throws: ProcessesAPIError.self) {
            _ = try await makeClient(server).getProcessRun(id: "run-1")
        }
        #expect(error.kind == .auth)
        #expect(error.code == "invalid_client")
        #expect(error.message == "Client authentication failed")
        #expect(server.apiRequests.isEmpty)
        #expect(!"\(error)".contains("s3cr3t"))
        #expect(!String(reflecting: error).contains("s3cr3t"))
    }

    @Test func missingCredentialsSayHowToProvideThem() async throws {
        let server = FakeServer { _, _ in .json(200, processRunBody) }
        let error = try await #require(throws: ProcessesAPIError.self) {
            _ = try await makeClient(server, credentials: nil).getProcessRun(id: "run-1")
        }
        #expect(error.kind == .auth)
        #expect(error.message.contains("WORKIVA_CLIENT_ID"))
        #expect(error.message.contains("--sandbox"))
        #expect(server.requests.isEmpty)
    }
}

/// Holds tasks until opened.
actor Gate {
    private var isOpen = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func wait() async {
        if isOpen { return }
        await withCheckedContinuation { waiting.append($0) }
    }

    func open() {
        isOpen = true
        waiting.forEach { $0.resume() }
        waiting = []
    }
}
