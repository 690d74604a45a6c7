import JSON

/// Every failure a caller of the client can see: one type, with what went
/// wrong, where, and whether sending the same request again is safe.
///
/// Never carries a secret or a token.
public struct ProcessesAPIError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// The server answered with an error status.
        case api
        /// The network failed, or the answer could not be read.
        case transport
        /// The request took longer than allowed.
        case timeout
        /// Credentials missing or refused, or a permission missing (401, 403, token errors).
        case auth
        /// The client was used wrongly (bad configuration, a refused URL, a request
        /// too long to send: ``requestTooLong``).
        case usage
    }

    /// One entry of the server's `details`.
    public struct Detail: Sendable, Equatable {
        public var code: String?
        public var message: String?
        public var target: String?

        public init(code: String? = nil, message: String? = nil, target: String? = nil) {
            self.code = code
            self.message = message
            self.target = target
        }
    }

    /// The request an error belongs to (no headers, no body: nothing secret).
    public struct Request: Sendable, Equatable, CustomStringConvertible {
        public var method: String
        public var path: String

        public init(method: String, path: String) {
            self.method = method
            self.path = path
        }

        /// `POST /processRuns/x/jobRuns`; a very long path is cut, with its length.
        public var description: String {
            let bytes = path.utf8.count
            guard bytes > 160 else { return "\(method) \(path)" }
            return "\(method) \(path.prefix(120))... (\(bytes) bytes)"
        }
    }

    public var kind: Kind
    /// The HTTP status, when the server answered.
    public var status: Int?
    /// The server's error code (`invalidUser`, `404`, ...), or the OAuth `error`.
    public var code: String?
    public var message: String
    public var target: String?
    public var meta: JSONValue?
    public var details: [Detail]
    public var documentationUrl: String?
    /// Seconds the server asked to wait (`Retry-After`).
    public var retryAfter: Double?
    /// Whether sending the same request again is safe: the server provably did
    /// not act on it (or it is a read).
    public var retryable: Bool
    public var request: Request?
    /// How many attempts were made.
    public var attempts: Int
    /// What to do about it, when there is something to say (why it was not
    /// retried, how to provide credentials).
    public var hint: String?
    /// The code of the error for a request whose path and query are too long to send.
    public static let requestTooLong = "requestTooLong"

    public init(
        kind: Kind, status: Int? = nil, code: String? = nil, message: String, target: String? = nil,
        meta: JSONValue? = nil, details: [Detail] = [], documentationUrl: String? = nil,
        retryAfter: Double? = nil, retryable: Bool = false, request: Request? = nil, attempts: Int = 0,
        hint: String? = nil
    ) {
        self.kind = kind
        self.status = status
        self.code = code
        self.message = message
        self.target = target
        self.meta = meta
        self.details = details
        self.documentationUrl = documentationUrl
        self.retryAfter = retryAfter
        self.retryable = retryable
        self.request = request
        self.attempts = attempts
        self.hint = hint
    }

    /// One line: `api 404 (404): Could not find process run id x [POST /processRuns/x/jobRuns]`.
    public var description: String { line(kind: kind.rawValue) }

    /// The one line, under a caller's own `kind` (the bindings' `validation`
    /// shows `field` and no code: `validation: jobs[2].arguments.sendTaskArgs.titel: ...`).
    public func line(kind: String, showsCode: Bool = true, field: String? = nil) -> String {
        var line = kind
        if let status { line += " \(status)" }
        if let code, showsCode { line += " (\(code))" }
        if let field { line += ": \(field)" }
        line += ": \(message)"
        if let target { line += " (target: \(target))" }
        if let request { line += " [\(request)]" }
        if let hint { line += "; \(hint)" }
        return line
    }
}
