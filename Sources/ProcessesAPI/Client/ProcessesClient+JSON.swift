import Foundation
import HTTPTypes
import JSON
import OpenAPIRuntime

/// Operations as JSON text: for callers that hold the request as JSON already
/// and want the answer as JSON (the Lua bindings, which check requests against
/// openapi.yaml's request schemas themselves). The request goes through the
/// same stages as the typed operations (auth, rate limit, retries, typed
/// errors) and the same transport; only the Codable models are skipped, which
/// would encode and decode every byte once more.
extension ProcessesClient {
    /// The operations as JSON calls, one function per operation of openapi.yaml
    /// (generated: `ProcessesClient+Operations.swift`):
    /// `try await client.json.getProcessRun(processRunId: id).value()`.
    public var json: JSONOperations { JSONOperations(client: self) }

    public struct JSONOperations: Sendable {
        let client: ProcessesClient
    }

    /// One request of ``JSONOperations``: an operation, its path parameters' values, a query and a body.
    struct JSONRequest: Sendable {
        var operation: APIOperation
        /// The path parameters' values, in the template's order, not yet percent-encoded.
        var pathValues: [String]
        var query: [(name: String, value: String)] = []
        var body: JSONValue? = nil

        /// `/processRuns/run%20a/jobRuns?before=false`: what goes on the request line.
        var target: String {
            let path = "/" + operation.segments(pathValues).map { $0.addingPercentEncoding(withAllowedCharacters: Self.segment) ?? $0 }.joined(separator: "/")
            guard !query.isEmpty else { return path }
            let pairs = query.map { pair in
                (pair.name.addingPercentEncoding(withAllowedCharacters: Self.queryPart) ?? pair.name) + "="
                    + (pair.value.addingPercentEncoding(withAllowedCharacters: Self.queryPart) ?? pair.value)
            }
            return path + "?" + pairs.joined(separator: "&")
        }

        static let segment = CharacterSet.urlPathAllowed.subtracting(CharacterSet(charactersIn: "/;"))
        static let queryPart = CharacterSet.urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=+?#"))
    }

    /// Sends `request` and returns its answer, unparsed; every failure is a ``ProcessesAPIError``.
    func send(json request: JSONRequest) async throws(ProcessesAPIError) -> JSONAnswer {
        let operation = request.operation
        let summary = ProcessesAPIError.Request(method: operation.method.rawValue, path: operation.path(request.pathValues))
        var head = HTTPRequest(method: operation.method, scheme: nil, authority: nil, path: request.target)
        head.headerFields[HTTPField.Name("X-Version")!] = APIVersion.current
        head.headerFields[.accept] = "application/json"
        var body: HTTPBody?
        if let json = request.body {
            let bytes = json.encodedBytes()
            head.headerFields[.contentType] = "application/json; charset=utf-8"
            head.headerFields[.contentLength] = String(bytes.count)
            body = HTTPBody(bytes)
        }
        let response: HTTPResponse
        var bytes: [UInt8] = []
        do {
            let answer = try await chain(operationID: operation.id)(head, body, configuration.baseURL)
            response = answer.0
            // The buffering stage read the whole body already: its one piece is taken as it is, not copied.
            for try await chunk in answer.1 ?? HTTPBody() {
                if bytes.isEmpty { bytes = Array(chunk) } else { bytes += chunk }
            }
        } catch {
            throw Self.translate(error, request: summary, safeToRepeat: operation.isSafeToRepeat)
        }
        return JSONAnswer(
            bytes: bytes, operation: operation, status: Int(response.status.code),
            contentType: response.headerFields[.contentType], request: summary)
    }

    /// The client's stages around its transport, as the generated client composes them.
    func chain(operationID: String) -> @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?) {
        let transport = self.transport
        var next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?) = { request, body, url in
            try await transport.send(request, body: body, baseURL: url, operationID: operationID)
        }
        for middleware in middlewares.reversed() {
            let inner = next
            next = { request, body, url in
                try await middleware.intercept(request, body: body, baseURL: url, operationID: operationID, next: inner)
            }
        }
        return next
    }
}
