/// When and how long to wait before sending a request again (docs/api-client.md).
///
/// - 429 and 503 are retried for any method: the server says it did not do the work.
/// - A connection that failed before the request was sent is retried for any method.
/// - GET also retries 500, 502, 504 and timeouts or connections lost mid-answer.
/// - A POST whose outcome is unknown (timeout or lost connection after sending, or
///   500/502/504) is never sent again: the server may have done the work.
///
/// Waits are full-jitter exponential backoff, `random(0, min(maximumDelay,
/// baseDelay * 2^(retry-1)))`, unless the server sent `Retry-After`, which is
/// honoured up to `maximumRetryAfter` (a longer one ends the retries).
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts in all, the first one included (default 4).
    public var maximumAttempts: Int
    public var baseDelay: Double
    public var maximumDelay: Double
    public var maximumRetryAfter: Double

    public init(maximumAttempts: Int = 4, baseDelay: Double = 0.5, maximumDelay: Double = 20, maximumRetryAfter: Double = 60) {
        self.maximumAttempts = max(1, maximumAttempts)
        self.baseDelay = max(0, baseDelay)
        self.maximumDelay = max(0, maximumDelay)
        self.maximumRetryAfter = max(0, maximumRetryAfter)
    }

    public static let standard = RetryPolicy()
    /// One attempt, no retries.
    public static let none = RetryPolicy(maximumAttempts: 1)

    /// The backoff ceiling before retry number `retry` (1 for the first retry).
    public func backoffCeiling(retry: Int) -> Double {
        let exponent = Double(max(0, retry - 1))
        return min(maximumDelay, baseDelay * pow2(exponent))
    }

    private func pow2(_ x: Double) -> Double {
        var result = 1.0
        var i = 0.0
        while i < x && result < 1e9 {
            result *= 2
            i += 1
        }
        return result
    }
}
