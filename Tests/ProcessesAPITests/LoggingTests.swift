import Foundation
import Logging
import Synchronization
import Testing
@testable import ProcessesAPI

/// Keeps every log line (message and metadata) in memory.
final class CapturingLogHandler: LogHandler, Sendable {
    let lines = Mutex<[String]>([])
    var logLevel: Logger.Level {
        get { .trace }
        set {}
    }
    var metadata: Logger.Metadata {
        get { [:] }
        set {}
    }
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { nil }
        set {}
    }

    func log(event: LogEvent) {
        lines.withLock { $0.append("\(event.level) \(event.message) \(event.metadata ?? [:])") }
    }
}

@Suite("Logging")
struct LoggingTests {
    @Test func oneLinePerAttemptWithoutSecrets() async throws {
        let handler = CapturingLogHandler()
        let logger = Logger(label: "test") { _ in handler }
        let server = FakeServer { _, n in n == 1 ? .json(503, #"{"code":"503","message":"down"}"#) : .json(200, processRunBody) }
        var configuration = try ClientConfiguration(baseURL: try #require(URL(string: "https://api.example.com")), credentials: testCredentials)
        configuration.rateLimit = nil
        let client = try ProcessesClient(configuration: configuration, transport: server, logger: logger, clock: FakeClock().clock)
        _ = try await client.getProcessRun(id: "run-1")
        let lines = handler.lines.withLock { $0 }
        #expect(lines.count == 3, "token, 503, 200: \(lines)")
        #expect(lines.contains { $0.contains("GET /processRuns/run-1 -> 503") && $0.contains("retrying in") && $0.contains("attempt 1") })
        #expect(lines.contains { $0.contains("GET /processRuns/run-1 -> 200") && $0.contains("attempt 2") })
        #expect(lines.contains { $0.contains("POST /oauth2/token -> 200") })
        for line in lines {
            #expect(!line.contains("s3cr3t"))
            #expect(!line.contains("token-1"))
            #expect(!line.contains(Data("client-id-1:s3cr3t-value".utf8).base64EncodedString()))
        }
    }
}
