import Foundation
import HTTPTypes
import OpenAPIRuntime
import Synchronization

/// A transport that sends nothing: it keeps every request a client hands it,
/// exactly as it would have gone on the wire, and fails it with ``NotSent``.
/// It serves `--dry-run`: a client built with
/// ``ProcessesClient/init(recordingInto:configuration:)`` has no credentials,
/// so a recorded request never carries a secret.
public final class RequestRecorder: ClientTransport, Sendable {
    /// One request as it would have been sent.
    public struct Request: Sendable, Equatable {
        public var method: String
        /// The whole URL, query included.
        public var url: String
        /// Header lines in the order they would be sent (`Name: value`).
        public var headers: [String]
        public var body: [UInt8]?

        /// The body as text (it is JSON or a form), or nil when there is none.
        public var bodyText: String? { body.map { String(decoding: $0, as: UTF8.self) } }
    }

    /// The error every recorded request fails with.
    public struct NotSent: Error, CustomStringConvertible {
        public var description: String { "not sent (dry run)" }
    }

    private let requests = Mutex<[Request]>([])

    public init() {}

    public func send(
        _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String
    ) async throws -> (HTTPResponse, HTTPBody?) {
        var bytes: [UInt8]?
        if let body { bytes = try await [UInt8](collecting: body, upTo: .max) }
        var base = baseURL.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        let recorded = Request(
            method: request.method.rawValue, url: base + (request.path ?? ""),
            headers: request.headerFields.map { "\($0.name.rawName): \($0.value)" }, body: bytes)
        requests.withLock { $0.append(recorded) }
        throw NotSent()
    }

    /// The requests recorded since the last call, oldest first.
    public func take() -> [Request] {
        requests.withLock { taken in
            defer { taken = [] }
            return taken
        }
    }
}
