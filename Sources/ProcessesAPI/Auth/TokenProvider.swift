/// Keeps the client-credentials access token: cached until 60 s before it
/// expires, refreshed by one request at a time however many calls wait on it.
actor TokenProvider {
    /// How long before expiry a token is replaced.
    static let refreshMargin = 60.0
    /// The lifetime assumed when the server does not say (`expires_in` absent).
    static let defaultLifetime = 599.0

    typealias Fetch = @Sendable () async throws -> (token: String, expiresIn: Double?)

    private let fetch: Fetch
    private let clock: ClientClock
    private var current: AccessToken?
    private var refreshing: Task<AccessToken, any Error>?
    /// How many tokens were fetched (for logs and tests).
    private(set) var fetches = 0

    init(clock: ClientClock, fetch: @escaping Fetch) {
        self.clock = clock
        self.fetch = fetch
    }

    /// A token that is good for at least another minute.
    func token() async throws -> String {
        if let current, clock.now() < current.expires - Self.refreshMargin {
            return current.value
        }
        return try await refresh().value
    }

    /// Drops `token` if it is still the cached one (the server refused it), so
    /// the next call fetches a new one.
    func invalidate(_ token: String) {
        if current?.value == token { current = nil }
    }

    /// Joins the refresh in flight, or starts one.
    private func refresh() async throws -> AccessToken {
        if let refreshing { return try await refreshing.value }
        let task = Task { [fetch, clock] in
            let answer = try await fetch()
            let lifetime = answer.expiresIn ?? Self.defaultLifetime
            return AccessToken(value: answer.token, expires: clock.now() + lifetime)
        }
        refreshing = task
        fetches += 1
        defer { refreshing = nil }
        let token = try await task.value
        current = token
        return token
    }
}
