import AsyncHTTPClient
import Foundation
import HTTPTypes
import Logging
import Sandbox
import Testing
@testable import ProcessesAPI

/// Full-jitter backoff as the client performs it: the ceiling handed to the
/// clock's `random` grows as `baseDelay * 2^(retry-1)` up to `maximumDelay`,
/// the client waits whatever was drawn, and `Retry-After` replaces the draw.
@Suite("Backoff jitter")
struct JitterTests {
    static let unavailable = Answer.json(503, #"{"code":"503","message":"Service Unavailable."}"#)

    @Test func waitsAreTheDrawsNotTheCeilings() async throws {
        let clock = FakeClock(fractions: [0, 0.5, 0.75])
        let server = FakeServer { _, n in n < 4 ? Self.unavailable : .json(201, createdBody) }
        let created = try await makeClient(server, clock: clock).createJobRuns(processRunID: "run-1", jobs: [sendTaskJob])
        #expect(created.map(\.id) == ["job-new123"])
        #expect(server.apiRequests.count == 4)
        #expect(clock.ceilings == [0.5, 1, 2], "one draw per retry, under 0.5 * 2^(retry-1)")
        #expect(clock.sleeps == [0, 0.5, 1.5], "the drawn waits; a draw of 0 sends again at once")
    }

    @Test func ceilingsStopAtTheMaximumDelay() async throws {
        let clock = FakeClock { ceiling, _ in ceiling / 2 }
        let server = FakeServer { _, _ in Self.unavailable }
        let error = try await #require(throws: ProcessesAPIError.self) {
            _ = try await makeClient(server, clock: clock, retry: RetryPolicy(maximumAttempts: 8)).getProcessRun(id: "run-1")
        }
        #expect(error.attempts == 8)
        #expect(clock.ceilings == [0.5, 1, 2, 4, 8, 16, 20], "doubling, then held at the 20 s maximum")
        #expect(clock.sleeps == [0.25, 0.5, 1, 2, 4, 8, 10], "the cap bounds the ceiling, not the draw")
    }

    @Test func ceilingsFollowACustomPolicy() async throws {
        let clock = FakeClock(fractions: [1, 0.5, 0.25, 0, 1])
        let server = FakeServer { _, _ in Self.unavailable }
        let policy = RetryPolicy(maximumAttempts: 6, baseDelay: 0.25, maximumDelay: 1.5)
        _ = await #expect(throws: ProcessesAPIError.self) {
            _ = try await makeClient(server, clock: clock, retry: policy).getProcessRun(id: "run-1")
        }
        #expect(server.apiRequests.count == 6)
        #expect(clock.ceilings == [0.25, 0.5, 1, 1.5, 1.5])
        #expect(clock.sleeps == [0.25, 0.25, 0.25, 0, 1.5])
    }

    @Test(arguments: [1, 7, 42, 0xdead_beef] as [UInt64])
    func transportFailuresWaitTheDrawnValues(seed: UInt64) async throws {
        var generator = SplitMix64(seed: seed)
        let fractions = (0..<3).map { _ in generator.fraction() }
        let clock = FakeClock(fractions: fractions)
        let server = FakeServer { _, n in
            if n < 4 { throw HTTPClientError.readTimeout }
            return .json(200, processRunBody)
        }
        _ = try await makeClient(server, clock: clock).getProcessRun(id: "run-1")
        #expect(server.apiRequests.count == 4)
        #expect(clock.ceilings == [0.5, 1, 2])
        #expect(clock.sleeps == zip(fractions, [0.5, 1, 2]).map(*))
    }

    @Test func connectionNotMadeIsRetriedWithJitterEvenForPost() async throws {
        let clock = FakeClock(fractions: [0.25])
        let server = FakeServer { _, n in
            if n == 1 { throw HTTPClientError.connectTimeout }
            return .json(201, createdBody)
        }
        _ = try await makeClient(server, clock: clock).createJobRuns(processRunID: "run-1", jobs: [sendTaskJob])
        #expect(clock.ceilings == [0.5])
        #expect(clock.sleeps == [0.125])
    }

    @Test func theLogGivesTheDrawnWait() async throws {
        let handler = CapturingLogHandler()
        let clock = FakeClock(fractions: [0.5])
        let server = FakeServer { _, n in n == 1 ? Self.unavailable : .json(200, processRunBody) }
        var configuration = try ClientConfiguration(
            baseURL: try #require(URL(string: "https://api.example.com")), credentials: testCredentials)
        configuration.rateLimit = nil
        let client = try ProcessesClient(
            configuration: configuration, transport: server, logger: Logger(label: "test") { _ in handler }, clock: clock.clock)
        _ = try await client.getProcessRun(id: "run-1")
        let lines = handler.lines.withLock { $0 }
        #expect(lines.contains { $0.contains("-> 503") && $0.contains("retrying in 0.25 s") }, "\(lines)")
    }

    // MARK: Retry-After

    @Test(arguments: [("7", 7.0), ("0", 0.0), ("60", 60.0), ("Sun, 15 Jun 2025 15:06:44 GMT", 4.0)])
    func retryAfterIsWaitedExactlyWithoutJitter(header: String, wait: Double) async throws {
        // The fake's wall clock reads 2025-06-15 15:06:40 GMT; 60 s is the policy's limit, still honoured.
        let clock = FakeClock(fractions: [0.5])
        let server = FakeServer { _, n in
            n == 1 ? .json(429, #"{"code":"429","message":"slow down"}"#, headers: [.retryAfter: header]) : .json(201, createdBody)
        }
        _ = try await makeClient(server, clock: clock).createJobRuns(processRunID: "run-1", jobs: [sendTaskJob])
        #expect(server.apiRequests.count == 2)
        #expect(clock.ceilings.isEmpty, "no draw: the server's wait is used as it is")
        #expect(clock.sleeps == [wait])
    }

    @Test func retryAfterJustOverTheLimitEndsRetries() async throws {
        let clock = FakeClock(fractions: [0.5])
        let server = FakeServer { _, _ in .json(503, #"{"code":"503","message":"down"}"#, headers: [.retryAfter: "61"]) }
        let error = try await #require(throws: ProcessesAPIError.self) {
            _ = try await makeClient(server, clock: clock).getProcessRun(id: "run-1")
        }
        #expect(server.apiRequests.count == 1)
        #expect(clock.ceilings.isEmpty, "no fallback to jitter")
        #expect(clock.sleeps.isEmpty)
        #expect(error.retryAfter == 61)
    }

    @Test func unreadableRetryAfterFallsBackToJitter() async throws {
        let clock = FakeClock(fractions: [0.5])
        let server = FakeServer { _, n in
            n == 1 ? .json(503, #"{"code":"503","message":"down"}"#, headers: [.retryAfter: "soon"]) : .json(200, processRunBody)
        }
        _ = try await makeClient(server, clock: clock).getProcessRun(id: "run-1")
        #expect(clock.ceilings == [0.5])
        #expect(clock.sleeps == [0.25])
    }

    @Test func retryAfterDoesNotRestartTheExponent() async throws {
        // The ceiling counts every retry, including those the server timed.
        let clock = FakeClock(fractions: [0.5, 0.25])
        let server = FakeServer { _, n in
            switch n {
            case 1, 3: return Self.unavailable
            case 2: return .json(429, #"{"code":"429","message":"slow down"}"#, headers: [.retryAfter: "3"])
            default: return .json(201, createdBody)
            }
        }
        _ = try await makeClient(server, clock: clock).createJobRuns(processRunID: "run-1", jobs: [sendTaskJob])
        #expect(server.apiRequests.count == 4)
        #expect(clock.ceilings == [0.5, 2], "retries 1 and 3 draw; retry 2 waits as told")
        #expect(clock.sleeps == [0.25, 3, 0.5])
    }

    // MARK: The real clock

    @Test func systemJitterStaysWithinTheCeiling() {
        let random = ClientClock.system.random
        #expect(random(0) == 0, "a ceiling of 0 means no wait")
        let draws = (0..<200).map { _ in random(2) }
        #expect(draws.allSatisfy { 0 <= $0 && $0 <= 2 })
        #expect(Set(draws).count > 1, "the draws vary: full jitter, not a fixed wait")
    }
}
