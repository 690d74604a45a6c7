import Foundation

/// Time as the client sees it: a monotonic clock for waits and token expiry,
/// the wall clock for HTTP dates, a way to sleep, and the randomness of backoff.
/// Tests give it fakes, so no test sleeps.
public struct ClientClock: Sendable {
    /// Monotonic seconds (any origin).
    public var now: @Sendable () -> Double
    /// The calendar time, for `Retry-After` dates.
    public var wallNow: @Sendable () -> Date
    /// Waits `seconds` (throws when the task is cancelled).
    public var sleep: @Sendable (Double) async throws -> Void
    /// A random number in `0...upper`, for full-jitter backoff.
    public var random: @Sendable (Double) -> Double

    public init(
        now: @escaping @Sendable () -> Double, wallNow: @escaping @Sendable () -> Date,
        sleep: @escaping @Sendable (Double) async throws -> Void, random: @escaping @Sendable (Double) -> Double
    ) {
        self.now = now
        self.wallNow = wallNow
        self.sleep = sleep
        self.random = random
    }

    public static let system = ClientClock(
        now: {
            let t = ContinuousClock.now - ContinuousClock.Instant.zeroReference
            return Double(t.components.seconds) + Double(t.components.attoseconds) * 1e-18
        },
        wallNow: { Date() },
        sleep: { seconds in
            if seconds > 0 { try await Task.sleep(for: .seconds(seconds)) }
        },
        random: { upper in upper > 0 ? Double.random(in: 0...upper) : 0 })
}

extension ContinuousClock.Instant {
    /// A fixed instant to measure from (the first one asked for).
    fileprivate static let zeroReference = ContinuousClock.now
}
