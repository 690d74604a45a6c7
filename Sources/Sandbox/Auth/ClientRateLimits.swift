import Foundation
import HTTPTypes
import Synchronization

/// The per-client limit: at most `limit` requests in each 60-second window.
final class ClientRateLimits: Sendable {
    static let window: TimeInterval = 60
    let limit: Int
    private let windows = Mutex<[String: (start: Date, count: Int)]>([:])

    init(limit: Int) {
        self.limit = limit
    }

    /// Counts a request, or throws the documented 429.
    func take(client: String, operationID: String, now: Date = Date()) throws(SandboxError) {
        let retryIn: Int? = windows.withLock { windows in
            var w = windows[client] ?? (now, 0)
            if now.timeIntervalSince(w.start) >= Self.window { w = (now, 0) }
            if w.count >= limit {
                windows[client] = w
                return max(1, Int((w.start.addingTimeInterval(Self.window).timeIntervalSince(now)).rounded(.up)))
            }
            w.count += 1
            windows[client] = w
            return nil
        }
        if let retryIn {
            var error = SandboxError(
                429, code: "429",
                message: "Rate limit of \(limit) per 60 seconds exceeded for \(operationID) requests. Retry request in \(retryIn) seconds.")
            error.headers[.retryAfter] = String(retryIn)
            throw error
        }
    }

    func reset() {
        windows.withLock { $0 = [:] }
    }
}
