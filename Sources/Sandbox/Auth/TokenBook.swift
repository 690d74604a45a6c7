import Foundation
import Synchronization

/// The access tokens the sandbox has issued, each with its client, scopes and expiry.
final class TokenBook: Sendable {
    struct Grant: Sendable {
        var clientID: String
        var scopes: Set<String>
        var expires: Date
    }

    /// Lifetime of a token, as Workiva's (`expires_in: 599`).
    static let lifetime: TimeInterval = 599

    private let grants = Mutex<[String: Grant]>([:])

    /// Issues a new random token.
    func issue(clientID: String, scopes: Set<String>, now: Date = Date()) -> (token: String, grant: Grant) {
        var generator = SystemRandomNumberGenerator()
        let token = "sbx_" + (0..<4).map { _ in String(generator.next() as UInt64, radix: 16) }.joined()
        let grant = Grant(clientID: clientID, scopes: scopes, expires: now.addingTimeInterval(Self.lifetime))
        grants.withLock { $0[token] = grant }
        return (token, grant)
    }

    /// The grant of a valid token; nil when unknown or expired.
    func grant(for token: String, now: Date = Date()) -> Grant? {
        grants.withLock { grants in
            guard let grant = grants[token] else { return nil }
            if grant.expires <= now {
                grants[token] = nil
                return nil
            }
            return grant
        }
    }

    /// Forgets every token (a reset).
    func revokeAll() {
        grants.withLock { $0 = [:] }
    }
}
