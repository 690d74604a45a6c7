import Foundation
import JSON
import Testing
@testable import ProcessesAPI

@Suite("Errors from every documented status")
struct ErrorDecodingTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var status: Int
        var body: String
        var kind: ProcessesAPIError.Kind
        var code: String
        var message: String
        var testDescription: String { "\(status)" }
    }

    static let documented: [Case] = [
        Case(status: 400, body: #"{"code":"invalidUser","documentationUrl":"http://developerdocs.example.com","message":"The provided user is invalid.","meta":{"argumentName":"assignee","jobId":"job1234"},"target":"assignee"}"#, kind: .api, code: "invalidUser", message: "The provided user is invalid."),
        Case(status: 401, body: #"{"code":"Unauthorized","message":"Bad credentials"}"#, kind: .auth, code: "Unauthorized", message: "Bad credentials"),
        Case(status: 403, body: #"{"code":"403","message":"Forbidden"}"#, kind: .auth, code: "403", message: "Forbidden"),
        Case(status: 404, body: #"{"code":"404","message":"Could not find process run id x"}"#, kind: .api, code: "404", message: "Could not find process run id x"),
        Case(status: 409, body: #"{"code":"409","message":"Process run is complete"}"#, kind: .api, code: "409", message: "Process run is complete"),
        Case(status: 413, body: #"{"code":"413","message":"Payload too large"}"#, kind: .api, code: "413", message: "Payload too large"),
        Case(status: 429, body: #"{"code":"429","message":"Rate limit of 1000 per 60 seconds exceeded"}"#, kind: .api, code: "429", message: "Rate limit of 1000 per 60 seconds exceeded"),
        Case(status: 500, body: #"{"code":"500","message":"unknown error"}"#, kind: .api, code: "500", message: "unknown error"),
        Case(status: 503, body: #"{"code":"503","message":"Service Unavailable."}"#, kind: .api, code: "503", message: "Service Unavailable."),
    ]

    @Test(arguments: documented)
    func documentedStatus(_ c: Case) async throws {
        let server = FakeServer { _, _ in .json(c.status, c.body) }
        let error = try await #require(throws: ProcessesAPIError.self) {
            _ = try await makeClient(server, retry: .none).createJobRuns(processRunID: "x", jobs: [sendTaskJob])
        }
        #expect(error.kind == c.kind)
        #expect(error.status == c.status)
        #expect(error.code == c.code)
        #expect(error.message == c.message)
        #expect(error.request == .init(method: "POST", path: "/processRuns/x/jobRuns"))
        #expect(error.retryable == [429, 503].contains(c.status))
    }

    @Test func invalidUserKeepsTargetMetaAndDocumentation() async throws {
        let server = FakeServer { _, _ in .json(400, Self.documented[0].body) }
        let error = try await #require(throws: ProcessesAPIError.self) {
            _ = try await makeClient(server).createJobRuns(processRunID: "x", jobs: [sendTaskJob])
        }
        #expect(error.target == "assignee")
        #expect(error.meta == ["argumentName": "assignee", "jobId": "job1234"])
        #expect(error.documentationUrl == "http://developerdocs.example.com")
        #expect(server.apiRequests.count == 1, "a 400 is not retried")
    }

    @Test func oneLineDescription() async throws {
        let server = FakeServer { _, _ in .json(404, #"{"code":"404","message":"Could not find process run id x"}"#) }
        let error = try await #require(throws: ProcessesAPIError.self) {
            _ = try await makeClient(server).createJobRuns(processRunID: "x", jobs: [sendTaskJob])
        }
        #expect("\(error)" == "api 404 (404): Could not find process run id x [POST /processRuns/x/jobRuns]")
    }

    @Test func detailsAreKept() async throws {
        let body = #"{"code":"badRequest","message":"Two problems","details":[{"code":"missing","message":"title is required","target":"jobs[0].arguments.sendTaskArgs.title"},{"code":"invalid","message":"bad date","target":"dueDate"}]}"#
        let server = FakeServer { _, _ in .json(400, body) }
        let error = try await #require(throws: ProcessesAPIError.self) {
            _ = try await makeClient(server).createJobRuns(processRunID: "x", jobs: [sendTaskJob])
        }
        #expect(error.details.count == 2)
        #expect(error.details.first == .init(code: "missing", message: "title is required", target: "jobs[0].arguments.sendTaskArgs.title"))
    }

    @Test(arguments: [
        (502, "<html><body>Bad Gateway</body></html>", "HTTP 502 with a body that is not an error document: '<html><body>Bad Gateway</body></html>'"),
        (500, "", "HTTP 500 with an empty body"),
        (400, #"{"code":"trunc"#, #"HTTP 400 with a body that is not an error document: '{"code":"trunc'"#),
        (418, #"{"unexpected":true}"#, #"HTTP 418 with a body that is not an error document: '{"unexpected":true}'"#),
    ])
    func malformedErrorBodiesStillSayWhatHappened(status: Int, body: String, message: String) async throws {
        let server = FakeServer { _, _ in Answer(status: status, body: body) }
        let error = try await #require(throws: ProcessesAPIError.self) {
            _ = try await makeClient(server, retry: .none).createJobRuns(processRunID: "x", jobs: [sendTaskJob])
        }
        #expect(error.status == status)
        #expect(error.message == message)
        #expect(error.code == nil)
    }

    @Test func longBodiesAreQuotedInPart() {
        let quoted = ErrorDecoder.quote(Array(repeating: UInt8(ascii: "x"), count: 1000))
        #expect(quoted.hasSuffix("... (1000 bytes)"))
        #expect(quoted.count < 240)
    }

    @Test func successWithTheWrongBodyIsAnInvalidResponse() async throws {
        let server = FakeServer { _, _ in Answer(status: 200, headers: [.contentType: "application/json"], body: "<html>hello</html>") }
        let error = try await #require(throws: ProcessesAPIError.self) {
            _ = try await makeClient(server).getProcessRun(id: "run-1")
        }
        #expect(error.kind == .transport)
        #expect(error.code == "invalidResponse")
        #expect(error.status == 200)
        #expect(error.message.hasPrefix("the answer could not be read"))
    }

    /// A path deep in an answer is shortened as every message shortens one.
    @Test func aDeepWrongMemberIsNamedInShort() {
        var group: JSONValue = ["id": 5, "parallel": false, "readOnly": false]
        for _ in 0..<30 { group = ["id": "g", "parallel": false, "readOnly": false, "children": [group]] }
        let problem = ResponseShape(schema: APIOperation.getProcessRun.answer!).mismatch(in: ["id": "run", "children": [group]])
        #expect(problem == "body.children[0]...children[0].id: expected a string, got number 5")
    }

    @Test func successWithWrongTypesNamesTheField() async throws {
        let server = FakeServer { _, _ in .json(201, #"[{"id": 42, "action": "sendTask"}]"#) }
        let error = try await #require(throws: ProcessesAPIError.self) {
            _ = try await makeClient(server).createJobRuns(processRunID: "x", jobs: [sendTaskJob])
        }
        #expect(error.code == "invalidResponse")
        #expect(error.retryable == false, "a POST that answered 201 happened: never send it again blindly")
        #expect(error.message.contains("id"), "\(error.message)")
    }
}

@Suite("ClientConfiguration")
struct ConfigurationTests {
    @Test func regions() {
        #expect(ClientConfiguration(region: .us).baseURL.absoluteString == "https://api.app.wdesk.com")
        #expect(ClientConfiguration(region: .eu).baseURL.absoluteString == "https://api.eu.wdesk.com")
        #expect(ClientConfiguration(region: .apac).baseURL.absoluteString == "https://api.apac.wdesk.com")
    }

    @Test(arguments: ["http://127.0.0.1:8080", "http://localhost:9", "http://[::1]:8080", "http://127.1.2.3", "https://api.example.com"])
    func allowed(url: String) throws {
        _ = try ClientConfiguration(baseURL: try #require(URL(string: url)))
    }

    @Test(arguments: ["http://api.example.com", "http://10.0.0.1:8080", "http://127.0.0.1.example.com", "ftp://127.0.0.1", "/relative"])
    func refused(url: String) throws {
        let base = try #require(URL(string: url))
        let error = #expect(throws: ProcessesAPIError.self) { _ = try ClientConfiguration(baseURL: base) }
        #expect(error?.kind == .usage)
    }

    @Test func defaults() {
        let c = ClientConfiguration(region: .us)
        #expect(c.connectTimeout == 10)
        #expect(c.requestTimeout == 30)
        #expect(c.retry == RetryPolicy(maximumAttempts: 4, baseDelay: 0.5, maximumDelay: 20, maximumRetryAfter: 60))
        #expect(c.rateLimit == .init(requests: 1000, per: 60))
    }
}
