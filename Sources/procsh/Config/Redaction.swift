import Foundation

/// The secrets of a run's settings, and how procsh hides them: the client
/// secret, alone and in its HTTP Basic form (base64 of `id:secret`), and a
/// password in the ping URL. Every text procsh sends or shows that could hold
/// one (a ping's body, a URL in a message, `procsh config show`, what the
/// prompt keeps out of its history) goes through this one type, so a secret
/// is hidden the same way everywhere: as ``mask``.
struct Redaction: Sendable {
    /// What stands for a secret wherever one is hidden.
    static let mask = "********"

    /// The texts hidden, longest first: a secret that holds a shorter one is
    /// masked whole, not around the shorter one's mask.
    let secrets: [String]

    init(secrets: [String]) {
        self.secrets = Set(secrets.filter { !$0.isEmpty }).sorted { $0.utf8.count > $1.utf8.count || ($0.utf8.count == $1.utf8.count && $0 < $1) }
    }

    /// The secrets `settings` hold.
    init(_ settings: Settings) {
        var secrets: [String] = []
        if let secret = settings.clientSecret?.value {
            secrets.append(secret)
            if let id = settings.clientID?.value {
                secrets.append(Data("\(id):\(secret)".utf8).base64EncodedString())  // HTTP Basic
            }
        }
        if let url = settings.pingURL?.value {
            secrets += Self.secrets(of: url)
        }
        self.init(secrets: secrets)
    }

    /// `text` with every secret replaced by ``mask``.
    func apply(_ text: String) -> String {
        secrets.reduce(text) { text, secret in text.replacingOccurrences(of: secret, with: Self.mask) }
    }

    /// `url` as procsh prints it: a password in it (`https://user:pw@host/`) masked.
    static func shown(_ url: URL) -> String {
        guard var parts = URLComponents(url: url, resolvingAgainstBaseURL: false), parts.percentEncodedPassword != nil else {
            return url.absoluteString
        }
        parts.percentEncodedPassword = mask
        return parts.string ?? url.absoluteString
    }

    /// The secrets of a URL: its password as written (percent-encoded) and
    /// as meant, and the HTTP Basic credentials made of them.
    static func secrets(of url: URL) -> [String] {
        guard let parts = URLComponents(url: url, resolvingAgainstBaseURL: false), let password = parts.password else { return [] }
        return [parts.percentEncodedPassword, password, basicCredentials(of: url)].compactMap { $0 }
    }

    /// `user:password` of a URL in base64, as an `Authorization: Basic` header carries them.
    static func basicCredentials(of url: URL) -> String? {
        guard let parts = URLComponents(url: url, resolvingAgainstBaseURL: false), let user = parts.user else { return nil }
        return Data("\(user):\(parts.password ?? "")".utf8).base64EncodedString()
    }
}
