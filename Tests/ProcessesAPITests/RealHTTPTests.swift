import Foundation
import Testing
@testable import ProcessesAPI

/// The client over its own AsyncHTTPClient (real sockets, loopback only).
@Suite("Real HTTP")
struct RealHTTPTests {
    /// A loopback port with nothing listening: bind one, note it, close it.
    static func closedPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        try withUnsafeMutablePointer(to: &address) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                guard bind(fd, raw, length) == 0, getsockname(fd, raw, &length) == 0 else {
                    throw TestFailure("cannot bind a loopback port")
                }
            }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    @Test func connectionRefusedIsRetriedThenReportedAsNotSent() async throws {
        let port = try Self.closedPort()
        let clock = FakeClock()
        var configuration = try ClientConfiguration(baseURL: try #require(URL(string: "http://127.0.0.1:\(port)")), credentials: testCredentials)
        configuration.rateLimit = nil
        // AsyncHTTPClient keeps trying a refused connection until the connect timeout.
        configuration.connectTimeout = 0.3
        let client = try ProcessesClient(configuration: configuration, clock: clock.clock)
        let error = try await #require(throws: ProcessesAPIError.self) {
            _ = try await client.createJobRuns(processRunID: "run-1", jobs: [sendTaskJob])
        }
        try await client.shutdown()
        #expect(error.kind == .transport)
        #expect(error.retryable, "nothing was sent: safe to send again")
        #expect(error.attempts == 4)
        #expect(error.request?.description == "POST /oauth2/token", "the token request is the one that could not connect")
        #expect(clock.sleeps == [0.5, 1, 2])
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
