import Foundation
import HTTPTypes
import OpenAPIRuntime
import Synchronization
import Testing
@testable import ProcessesAPI

/// A request as the fake server received it.
struct Received: Sendable {
    var method: String
    var path: String
    var headers: HTTPFields
    var body: String
    var baseURL: URL
    var operationID: String

    var query: [String: String] {
        let items = URLComponents(string: "http://x\(path)")?.queryItems ?? []
        return Dictionary(items.map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { a, _ in a })
    }
}

/// What the fake server answers: a status, headers and a body, or a thrown error.
struct Answer: Sendable {
    var status: Int
    var headers: HTTPFields = [:]
    var body: String = ""

    static func json(_ status: Int, _ body: String, headers: HTTPFields = [:]) -> Answer {
        var h = headers
        h[.contentType] = "application/json"
        return Answer(status: status, headers: h, body: body)
    }
}

/// An in-memory transport (the generated client's `ClientTransport`): records
/// every request and answers through a handler. The token endpoint answers
/// by itself unless the handler takes it.
final class FakeServer: ClientTransport, Sendable {
    typealias Handler = @Sendable (Received, Int) async throws -> Answer

    private let state = Mutex<(requests: [Received], tokens: Int)>(([], 0))
    let handler: Handler
    let tokenHandler: @Sendable (Received, Int) async throws -> Answer

    init(
        token: @escaping @Sendable (Received, Int) async throws -> Answer = { _, n in
            .json(200, #"{"access_token":"token-\#(n)","expires_in":599,"token_type":"Bearer","scope":"file:read file:write"}"#)
        },
        handler: @escaping Handler
    ) {
        self.tokenHandler = token
        self.handler = handler
    }

    var requests: [Received] { state.withLock { $0.requests } }
    var apiRequests: [Received] { requests.filter { $0.operationID != "requestToken" } }
    var tokenRequests: [Received] { requests.filter { $0.operationID == "requestToken" } }

    func send(_ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String) async throws -> (HTTPResponse, HTTPBody?) {
        var bytes: [UInt8] = []
        if let body { bytes = try await [UInt8](collecting: body, upTo: .max) }
        let received = Received(
            method: request.method.rawValue, path: request.path ?? "/", headers: request.headerFields,
            body: String(decoding: bytes, as: UTF8.self), baseURL: baseURL, operationID: operationID)
        let (n, isToken) = state.withLock { s -> (Int, Bool) in
            s.requests.append(received)
            if operationID == "requestToken" {
                s.tokens += 1
                return (s.tokens, true)
            }
            return (s.requests.filter { $0.operationID != "requestToken" }.count, false)
        }
        let answer = try await (isToken ? tokenHandler(received, n) : handler(received, n))
        var response = HTTPResponse(status: .init(code: answer.status))
        response.headerFields = answer.headers
        return (response, HTTPBody(answer.body))
    }
}

/// A clock that never waits: sleeping advances it and is recorded. Every
/// call to `random` is recorded too (its argument is the backoff ceiling) and
/// answered by `jitter`, given that ceiling and the call's index (0 first).
/// By default jitter takes the whole ceiling, so waits are predictable.
final class FakeClock: Sendable {
    private let state = Mutex<(now: Double, sleeps: [Double], ceilings: [Double])>((1000, [], []))
    private let jitter: @Sendable (_ ceiling: Double, _ draw: Int) -> Double
    let wall = Date(timeIntervalSince1970: 1_750_000_000)

    init(jitter: @escaping @Sendable (_ ceiling: Double, _ draw: Int) -> Double = { ceiling, _ in ceiling }) {
        self.jitter = jitter
    }

    /// Draw n takes `fractions[n]` of its ceiling; draws past the script take
    /// the whole ceiling.
    convenience init(fractions: [Double]) {
        self.init { ceiling, n in n < fractions.count ? fractions[n] * ceiling : ceiling }
    }

    var sleeps: [Double] { state.withLock { $0.sleeps } }
    /// The argument of every call to `random`, in order.
    var ceilings: [Double] { state.withLock { $0.ceilings } }
    func advance(_ seconds: Double) { state.withLock { $0.now += seconds } }

    var clock: ClientClock {
        ClientClock(
            now: { self.state.withLock { $0.now } },
            wallNow: { self.wall },
            sleep: { seconds in
                self.state.withLock {
                    $0.sleeps.append(seconds)
                    $0.now += seconds
                }
                await Task.yield()
            },
            random: { upper in
                let n = self.state.withLock { s -> Int in
                    s.ceilings.append(upper)
                    return s.ceilings.count - 1
                }
                return self.jitter(upper, n)
            })
    }
}

let testCredentials = ClientConfiguration.Credentials(clientID: "client-id-1", clientSecret: "s3cr3t-value")

/// A client over `server`, with a fake clock and no client-side rate limit unless given.
func makeClient(
    _ server: FakeServer, clock: FakeClock = FakeClock(), credentials: ClientConfiguration.Credentials? = testCredentials,
    rateLimit: ClientConfiguration.RateLimit? = nil, retry: RetryPolicy = .standard,
    baseURL: String = "https://api.example.com"
) throws -> ProcessesClient {
    var configuration = try ClientConfiguration(baseURL: try #require(URL(string: baseURL)), credentials: credentials)
    configuration.rateLimit = rateLimit
    configuration.retry = retry
    return try ProcessesClient(configuration: configuration, transport: server, clock: clock.clock)
}

let sendTaskJob = Components.Schemas.JobRunCreate(
    action: .sendTask,
    arguments: .sendTask(
        .init(_type: .sendTask, sendTaskArgs: .init(assignee: .init(id: "user123", _type: .user), title: "Review", dueDate: "2024-12-15"))),
    triggerType: .whenEligible)

let createdBody = #"[{"id":"job-new123","ordinal":0,"parent":"groupinstance-parent-789","action":"sendTask","triggerType":"whenEligible","arguments":{"type":"sendTask","sendTaskArgs":{"assignee":{"id":"user123","type":"user"},"title":"Review","dueDate":"2024-12-15"}}}]"#

let processRunBody = #"{"id":"run-1","name":"Demo run","status":"running","children":[]}"#
