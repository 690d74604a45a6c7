import Foundation

/// Where the client connects and how it behaves: base URL, credentials,
/// timeouts, retries and the client-side rate limit.
public struct ClientConfiguration: Sendable {
    /// Workiva's regions and their API base URLs.
    public enum Region: String, Sendable, CaseIterable {
        case us, eu, apac

        public var baseURL: URL {
            switch self {
            case .us: return URL(string: "https://api.app.wdesk.com")!
            case .eu: return URL(string: "https://api.eu.wdesk.com")!
            case .apac: return URL(string: "https://api.apac.wdesk.com")!
            }
        }
    }

    /// An OAuth 2.0 client: the id and secret of a Workiva integration.
    public struct Credentials: Sendable {
        public var clientID: String
        public var clientSecret: String
        /// Scopes to ask for (space-separated); nil lets the server grant the client's own.
        public var scope: String?

        public init(clientID: String, clientSecret: String, scope: String? = nil) {
            self.clientID = clientID
            self.clientSecret = clientSecret
            self.scope = scope
        }
    }

    /// The client-side token bucket: at most `requests` per `seconds`, shared by
    /// every call through one client, so a burst waits instead of collecting 429s.
    public struct RateLimit: Sendable, Equatable {
        public var requests: Int
        public var seconds: Double

        public init(requests: Int, per seconds: Double) {
            self.requests = max(1, requests)
            self.seconds = max(0.001, seconds)
        }

        /// Workiva's documented limit: 1000 requests per 60 seconds.
        public static let workiva = RateLimit(requests: 1000, per: 60)
    }

    public var baseURL: URL
    public var credentials: Credentials?
    /// Time allowed to connect (default 10 s).
    public var connectTimeout: Double = 10
    /// Time allowed for a whole request, from sending to the last byte of the
    /// answer (default 30 s; the API itself gives up at 29 s).
    public var requestTimeout: Double = Self.defaultRequestTimeout
    /// The request timeout unless one is given: 30 s (Workiva times requests out after 29 s).
    public static let defaultRequestTimeout: Double = 30
    public var retry: RetryPolicy = .standard
    /// nil: no client-side limit.
    public var rateLimit: RateLimit? = .workiva
    /// Sent as `User-Agent` on every request.
    public var userAgent = "procsh/\(APIVersion.procsh)"
    /// Responses larger than this are refused (an error, not a crash or a hang).
    public var maximumResponseBytes = 64 << 20

    /// A client for a Workiva region.
    public init(region: Region, credentials: Credentials? = nil) {
        self.baseURL = region.baseURL
        self.credentials = credentials
    }

    /// A client for an explicit base URL (the sandbox, a proxy). Plain http is
    /// refused unless the host is a loopback address.
    public init(baseURL: URL, credentials: Credentials? = nil) throws(ProcessesAPIError) {
        try Self.check(baseURL)
        self.baseURL = baseURL
        self.credentials = credentials
    }

    /// Accepts https anywhere and http on loopback only.
    static func check(_ url: URL) throws(ProcessesAPIError) {
        guard let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty else {
            throw ProcessesAPIError(
                kind: .usage, message: "base URL '\(url.absoluteString)' is not an absolute http(s) URL")
        }
        switch scheme {
        case "https":
            return
        case "http" where isLoopback(host):
            return
        case "http":
            throw ProcessesAPIError(
                kind: .usage,
                message: "refusing plain http to \(host): credentials would cross the network unencrypted; use https (http is allowed only for loopback addresses such as 127.0.0.1)")
        default:
            throw ProcessesAPIError(kind: .usage, message: "base URL scheme '\(scheme)' is not http or https")
        }
    }

    /// Whether `host` names this machine: localhost, 127.0.0.0/8 or ::1.
    public static func isLoopback(_ host: String) -> Bool {
        let h = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if h == "localhost" || h.hasSuffix(".localhost") || h == "::1" || h == "0:0:0:0:0:0:0:1" { return true }
        let parts = h.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts.allSatisfy({ UInt8($0) != nil }) else { return false }
        return parts[0] == "127"
    }
}
