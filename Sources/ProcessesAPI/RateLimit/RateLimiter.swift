/// A token bucket shared by every request of one client: `requests` tokens,
/// refilled evenly over `seconds`. A request takes a token or waits for one.
actor RateLimiter {
    private let capacity: Double
    private let refillPerSecond: Double
    private let clock: ClientClock
    private var tokens: Double
    private var updated: Double

    init(_ limit: ClientConfiguration.RateLimit, clock: ClientClock) {
        capacity = Double(limit.requests)
        refillPerSecond = Double(limit.requests) / limit.seconds
        self.clock = clock
        tokens = capacity
        updated = clock.now()
    }

    /// Takes a token, waiting as long as it takes for one. Returns the seconds waited.
    @discardableResult
    func acquire() async throws -> Double {
        var waited = 0.0
        while true {
            refill()
            if tokens >= 1 {
                tokens -= 1
                return waited
            }
            let wait = (1 - tokens) / refillPerSecond
            try await clock.sleep(wait)
            waited += wait
        }
    }

    private func refill() {
        let now = clock.now()
        tokens = min(capacity, tokens + (now - updated) * refillPerSecond)
        updated = now
    }
}
