import JSON

/// A success answer of a JSON call as it arrived, not yet parsed: callers
/// parse it the way they need it (``value()`` as a ``JSONValue``; the Lua
/// bindings straight into Lua tables) and hold it to the operation's
/// documented shape (``check(fits:)``), so no caller skips the check and no
/// answer is parsed twice.
public struct JSONAnswer: Sendable {
    /// The answer's body: JSON text, or empty for an answer without a body (204).
    public let bytes: [UInt8]
    let operation: APIOperation
    let status: Int
    let contentType: String?
    let request: ProcessesAPIError.Request

    /// Whether the operation answers without a body (204): its value is null.
    public var isEmpty: Bool { bytes.isEmpty && operation.answer == nil }

    /// The answer as a ``JSONValue``, checked (an answer without a body is null).
    public func value() throws(ProcessesAPIError) -> JSONValue {
        if isEmpty { return .null }
        let value = try parsed()
        try check(value)
        return value
    }

    /// Throws when `value`, the parsed answer, is not what the API documents.
    func check(_ value: JSONValue) throws(ProcessesAPIError) {
        guard let problem = operation.answer.flatMap({ ResponseShape(schema: $0).mismatch(in: value) }) else { return }
        throw invalid("the answer is not what the API documents: \(problem)")
    }

    /// Holds an answer the caller parsed its own way to the documented shape:
    /// `fits` tests it against the operation's answer schema (its id names
    /// the schema, for a cache). When it says no, the answer's text is
    /// parsed to find and name what is wrong.
    public func check(fits: (_ operation: String, _ schema: APISchema) -> Bool) throws(ProcessesAPIError) {
        guard let schema = operation.answer, !fits(operation.id, schema) else { return }
        try check(parsed())
    }

    private func parsed() throws(ProcessesAPIError) -> JSONValue {
        do {
            return try JSONValue(parsing: bytes)
        } catch {
            throw notJSON(error)
        }
    }

    /// The error for an answer that is not JSON text (`error` says where).
    public func notJSON(_ error: any Error) -> ProcessesAPIError {
        let type = contentType.map { "Content-Type \($0)" } ?? "no Content-Type"
        return invalid("the answer is not JSON (\(error)); \(type), \(ErrorDecoder.describeAnswer(bytes))")
    }

    /// An `invalidResponse` error: retried as the call would be, and for a
    /// call that changes state, saying its outcome is unknown.
    private func invalid(_ message: String) -> ProcessesAPIError {
        let safe = operation.isSafeToRepeat
        return ProcessesAPIError(
            kind: .transport, status: status, code: "invalidResponse", message: message, retryable: safe, request: request,
            hint: safe ? nil : ProcessesAPIError.unknownOutcomeHint)
    }
}
