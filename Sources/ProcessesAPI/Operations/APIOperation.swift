import HTTPTypes

/// One operation of openapi.yaml, as the code around the generated client and
/// server needs it: the bindings' JSON calls, the client's retry and dry-run
/// decisions, the sandbox's routes and scope checks. The values are generated
/// from the document (``all``, `APIOperation+Document.swift`); nothing else
/// spells an operation's id, method or path.
public struct APIOperation: Sendable, Hashable, CustomStringConvertible {
    public enum Authentication: Sendable {
        /// A bearer token with ``scope``.
        case bearer
        /// HTTP Basic client authentication: the token request.
        case basic
    }

    /// A path or query parameter.
    public struct Parameter: Sendable {
        public enum Location: Sendable { case path, query }
        public enum ValueType: Sendable { case string, integer, boolean }
        public let name: String
        public let location: Location
        public let type: ValueType
        public let required: Bool
    }

    /// The request body: its content type and schema.
    public struct Body: Sendable {
        public enum Content: Sendable { case json, form }
        public let content: Content
        public let schema: APISchema
        public let required: Bool
    }

    /// The operation id (`createJobRuns`).
    public let id: String
    public let method: HTTPRequest.Method
    /// The path template, `/processRuns/{processRunId}/jobRuns`.
    public let path: String
    public let authentication: Authentication
    /// The OAuth scope a token needs (`file:read`, `file:write`); nil for the token request.
    public let scope: String?
    public let parameters: [Parameter]
    public let body: Body?
    /// The status of a success answer (201 for a create).
    public let successStatus: Int
    /// The JSON schema of a success answer, when it has a body.
    public let answer: APISchema?
    public let deprecated: Bool

    init(
        id: String, method: HTTPRequest.Method, path: String, authentication: Authentication, scope: String?,
        parameters: [Parameter] = [], body: Body? = nil, successStatus: Int, answer: APISchema? = nil, deprecated: Bool = false
    ) {
        self.id = id
        self.method = method
        self.path = path
        self.authentication = authentication
        self.scope = scope
        self.parameters = parameters
        self.body = body
        self.successStatus = successStatus
        self.answer = answer
        self.deprecated = deprecated
        templateSegments = path.split(separator: "/").map { segment in
            segment.hasPrefix("{") && segment.hasSuffix("}") ? nil : String(segment)
        }
    }

    /// The path's segments; nil stands for a path parameter.
    public let templateSegments: [String?]

    public var description: String { "\(method.rawValue) \(path)" }

    public static func == (a: APIOperation, b: APIOperation) -> Bool { a.id == b.id }
    public func hash(into hasher: inout Hasher) { hasher.combine(id) }

    /// The operation `id` names, if openapi.yaml has one.
    public static func named(_ id: String) -> APIOperation? { byID[id] }
    private static let byID = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0) })

    /// Whether `id` names a token request (HTTP Basic: the current path or the 2022-01-01 one).
    public static func isTokenRequest(_ id: String) -> Bool { named(id)?.authentication == .basic }

    /// Whether the operation changes what the server holds: it needs `file:write`.
    /// (A dry run sends only the others.)
    public var changesState: Bool { scope == "file:write" }

    /// Whether sending the request again can change nothing, so that it may be
    /// sent again when its outcome is unknown: reads by method (GET, HEAD), the
    /// operations that need only `file:read` (validateProcess is a POST, yet
    /// changes nothing), and the token request (a second token replaces nothing).
    public var isSafeToRepeat: Bool {
        method == .get || method == .head || scope == "file:read" || authentication == .basic
    }

    /// The most items the body's array member `member` holds (`maxItems`), if it is limited.
    public func maximumItems(in member: String) -> Int? { body?.schema.member(member)?.maxItems }

    /// The path's segments with `values` in the parameters' places, in order, not yet percent-encoded.
    public func segments(_ values: [String]) -> [String] {
        var values = values[...]
        return templateSegments.map { $0 ?? values.popFirst() ?? "" }
    }

    /// The path with `values` in the parameters' places (as errors name a request).
    public func path(_ values: [String]) -> String {
        "/" + segments(values).joined(separator: "/")
    }

    /// The parameters' values, when `segments` (a request's path, split at `/`) is this operation's path.
    public func match<S: StringProtocol>(_ segments: [S]) -> [S]? {
        guard segments.count == templateSegments.count else { return nil }
        var values: [S] = []
        for (template, segment) in zip(templateSegments, segments) {
            if let template {
                guard segment == template else { return nil }
            } else {
                values.append(segment)
            }
        }
        return values
    }
}

extension ProcessesAPIError.Request {
    /// A request of `operation`, with `values` in its path parameters' places.
    public init(_ operation: APIOperation, _ values: String...) {
        self.init(method: operation.method.rawValue, path: operation.path(values))
    }
}
