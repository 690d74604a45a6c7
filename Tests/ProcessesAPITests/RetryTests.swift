import AsyncHTTPClient
import Foundation
import HTTPTypes
import Testing
@testable import ProcessesAPI

@Suite("Retries")
struct RetryTests {
    @Test func serviceUnavailableIsRetriedWithBackoff() async throws {
        let clock = FakeClock()
        let server = FakeServer { _, n in n < 4 ? .json(503, #"{"code":"503","message":"Service Unavailable."}"#) : .json(201, createdBody) }
        let created = try await makeClient(server, clock: clock).createJobRuns(processRunID: "run-1", jobs: [sendTaskJob])
        #expect(created.map(\.id) == ["job-new123"])
        #expect(server.apiRequests.count == 4, "four attempts in all")
        #expect(clock.sleeps == [0.5, 1.0, 2.0], "full jitter under 0.5 * 2^n (the fake takes the ceiling)")
        #expect(Set(server.apiRequests.map(\.body)).count == 1, "the same body each time")
    }

    @Test func tooManyRequestsHonoursRetryAfter() async throws {
        let clock = FakeClock()
        let server = FakeServer { _, n in
            n == 1 ? .json(429, #"{"code":"429","message":"Rate limit exceeded"}"#, headers: [.retryAfter: "7"]) : .json(201, createdBody)
        }
        _ = try await makeClient(server, clock: clock).createJobRuns(processRunID: "run-1", jobs: [sendTaskJob])
        #expect(clock.sleeps == [7])
    }

    @Test func retryAfterOverTheCapEndsRetries() async throws {
        let clock = FakeClock()
        let server = FakeServer { _, _ in .json(429, #"{"code":"429","message":"slow down"}"#, headers: [.retryAfter: "120"]) }
        let error = try await #require(throws: ProcessesAPIError.self) {
            _ = try await makeClient(server, clock: clock).createJobRuns(processRunID: "run-1", jobs: [sendTaskJob])
        }
        #expect(server.apiRequests.count == 1)
        #expect(clock.sleeps.isEmpty)
        #expect(error.retryAfter == 120)
        #expect(error.retryable, "429: the server did not act; the same request may be sent later")
        #expect(error.hint?.contains("try again later") == true)
    }

    @Test func persistentTooManyRequestsGivesUpAfterFourAttempts() async throws {
        let clock = FakeClock()
        let server = FakeServer { _, _ in
            .json(429, #"{"code":"429","message":"Rate limit of 1000 per 60 seconds exceeded for createJobRuns requests. Retry request in 1 seconds."}"#, headers: [.retryAfter: "1"])
        }
        let error = try await #require(throws: ProcessesAPIError.self) {
            _ = try await makeClient(server, clock: clock).createJobRuns(processRunID: "run-1", jobs: [sendTaskJob])
        }
        #expect(server.apiRequests.count == 4)
        #expect(clock.sleeps == [1, 1, 1])
        #expect(error.kind == .api)
        #expect(error.status == 429)
        #expect(error.attempts == 4)
        #expect(error.retryable)
    }

    @Test func postServerErrorIsNeverResent() async throws {
        let server = FakeServer { _, _ in .json(500, #"{"code":"500","message":"unknown error"}"#) }
        let error = try await #require(throws: ProcessesAPIError.self) {
            _ = try await makeClient(server).createJobRuns(processRunID: "run-1", jobs: [sendTaskJob])
        }
        #expect(server.apiRequests.count == 1)
        #expect(error.status == 500)
        #expect(error.retryable == false)
        #expect(error.hint?.contains("may have acted") == true)
        #expect("\(error)" .hasPrefix("api 500 (500): unknown error [POST /processRuns/run-1/jobRuns]; the server may have acted"))
    }

    @Test(arguments: [500, 502, 504])
    func getRetriesTransientServerErrors(status: Int) async throws {
        let server = FakeServer { _, n in n == 1 ? Answer(status: status, body: "<html>oops</html>") : .json(200, processRunBody) }
        _ = try await makeClient(server).getProcessRun(id: "run-1")
        #expect(server.apiRequests.count == 2)
    }

    /// openapi.yaml gives validateProcess the scope file:read: a POST that changes nothing is retried as a read.
    @Test func aPostThatNeedsOnlyReadScopeIsRetriedAsARead() async throws {
        let server = FakeServer { _, n in n == 1 ? Answer(status: 500, body: "<html>oops</html>") : .json(200, #"{"errors": []}"#) }
        let result = try await makeClient(server).validateProcess(id: "p-1")
        #expect(result.errors.isEmpty)
        #expect(server.apiRequests.count == 2)
        // A write that failed the same way is not.
        #expect(APIOperation.validateProcess.isSafeToRepeat && !APIOperation.createProcess.isSafeToRepeat)
        #expect(!APIOperation.trashProcess.isSafeToRepeat && APIOperation.requestTokenLegacy.isSafeToRepeat)
    }

    @Test func connectionFailureBeforeSendingIsRetriedEvenForPost() async throws {
        let server = FakeServer { _, n in
            if n == 1 { throw HTTPClientError.connectTimeout }
            return .json(201, createdBody)
        }
        _ = try await makeClient(server).createJobRuns(processRunID: "run-1", jobs: [sendTaskJob])
        #expect(server.apiRequests.count == 2)
    }

    @Test func postTimeoutAfterSendingIsNotResent() async throws {
        let server = FakeServer { _, _ in throw HTTPClientError.deadlineExceeded }
        let error = try await #require(throws: ProcessesAPIError.self) {
            _ = try await makeClient(server).createJobRuns(processRunID: "run-1", jobs: [sendTaskJob])
        }
        #expect(server.apiRequests.count == 1)
        #expect(error.kind == .timeout)
        #expect(error.retryable == false)
        #expect(error.request?.description == "POST /processRuns/run-1/jobRuns")
    }

    @Test func postConnectionLostMidAnswerIsNotResent() async throws {
        let server = FakeServer { _, _ in throw HTTPClientError.remoteConnectionClosed }
        let error = try await #require(throws: ProcessesAPIError.self) {
            _ = try await makeClient(server).createJobRuns(processRunID: "run-1", jobs: [sendTaskJob])
        }
        #expect(server.apiRequests.count == 1)
        #expect(error.kind == .transport)
        #expect(error.retryable == false)
    }

    @Test func getTimeoutsAreRetried() async throws {
        let server = FakeServer { _, n in
            if n < 3 { throw HTTPClientError.readTimeout }
            return .json(200, processRunBody)
        }
        _ = try await makeClient(server).getProcessRun(id: "run-1")
        #expect(server.apiRequests.count == 3)
    }

    @Test func attemptsFollowThePolicy() async throws {
        let server = FakeServer { _, _ in .json(503, #"{"code":"503","message":"down"}"#) }
        _ = await #expect(throws: ProcessesAPIError.self) {
            _ = try await makeClient(server, retry: RetryPolicy(maximumAttempts: 2)).getProcessRun(id: "run-1")
        }
        #expect(server.apiRequests.count == 2)
    }

    @Test func backoffIsCapped() {
        let policy = RetryPolicy()
        #expect((1...8).map { policy.backoffCeiling(retry: $0) } == [0.5, 1, 2, 4, 8, 16, 20, 20])
    }
}

@Suite("Retry-After")
struct RetryAfterTests {
    let now = Date(timeIntervalSince1970: 1_445_412_450)  // Wed, 21 Oct 2015 07:27:30 GMT

    @Test func seconds() {
        #expect(RetryAfter.seconds("10", now: now) == 10)
        #expect(RetryAfter.seconds(" 0 ", now: now) == 0)
        #expect(RetryAfter.seconds("-3", now: now) == nil)
        #expect(RetryAfter.seconds("soon", now: now) == nil)
    }

    @Test func httpDates() {
        #expect(RetryAfter.seconds("Wed, 21 Oct 2015 07:28:00 GMT", now: now) == 30)
        #expect(RetryAfter.seconds("Wednesday, 21-Oct-15 07:28:00 GMT", now: now) == 30)
        #expect(RetryAfter.seconds("Wed Oct 21 07:28:00 2015", now: now) == 30)
        #expect(RetryAfter.seconds("Wed, 21 Oct 2015 07:00:00 GMT", now: now) == 0, "a date in the past means now")
    }
}

@Suite("Rate limiter")
struct RateLimiterTests {
    @Test func burstWaitsForTokens() async throws {
        let clock = FakeClock()
        let limiter = RateLimiter(.init(requests: 2, per: 1), clock: clock.clock)
        var waits: [Double] = []
        for _ in 0..<5 { waits.append(try await limiter.acquire()) }
        #expect(waits == [0, 0, 0.5, 0.5, 0.5])
        clock.advance(10)
        #expect(try await limiter.acquire() == 0, "idle time refills the bucket")
    }

    @Test func clientCallsShareTheBucket() async throws {
        let clock = FakeClock()
        let server = FakeServer { _, _ in .json(200, processRunBody) }
        let client = try makeClient(server, clock: clock, rateLimit: .init(requests: 3, per: 3))
        for _ in 0..<4 { _ = try await client.getProcessRun(id: "run-1") }
        #expect(clock.sleeps == [1, 1], "5 requests (1 token + 4) against 3 per 3 s: two waits of 1 s")
    }
}
