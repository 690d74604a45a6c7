import Sandbox

/// What `procsh sandbox serve` prints once it listens: where, the data it
/// serves (the clients to get a token with, the process runs to work on),
/// and how to start.
enum Banner {
    /// The data served: the demo data, or a seed file and what it holds.
    enum Contents: Sendable {
        case demo
        case file(String, Seed)
    }

    /// How many process runs the banner names before it counts the rest.
    static let shownRuns = 5

    /// `guarded`: the admin endpoints need the admin token (never printed here: a banner ends up in logs).
    static func text(base: String, data: Contents, faults: String, guarded: Bool = false) -> String {
        var admin = "  admin: POST /_sandbox/reset, GET /_sandbox/state, GET /_sandbox/requests, GET /_sandbox/stats"
        if guarded { admin += "\n  admin token: required (send Authorization: Bearer <admin token>)" }
        switch data {
        case .demo:
            return """
                procsh sandbox listening on \(base)
                  data: the demo data\(faults)
                  demo credentials: sandbox-client / sandbox-secret (file:read file:write)
                                    sandbox-reader / sandbox-secret (file:read)
                  demo process run: demo-run (a complete one: demo-run-complete)
                  token: curl -s -u sandbox-client:sandbox-secret -d grant_type=client_credentials \(base)/oauth2/token
                \(admin)
                """
        case .file(let path, let seed):
            var lines = ["procsh sandbox listening on \(base)", "  data: \(path)\(faults)"]
            // The secrets stay in the file: a banner ends up in logs.
            if seed.clients.isEmpty {
                lines.append("  clients: none (the seed has no \"clients\": no token can be had)")
            } else {
                let clients = seed.clients.map { "\($0.id) (\($0.scopes.joined(separator: " ")))" }.joined(separator: ", ")
                lines.append("  clients: \(clients); their secrets are in \(path)")
            }
            lines.append("  process runs: \(runs(seed.processRuns))")
            if let client = seed.clients.first {
                lines.append("  token: curl -s -u \(client.id):SECRET -d grant_type=client_credentials \(base)/oauth2/token")
            }
            lines.append(admin)
            return lines.joined(separator: "\n")
        }
    }

    /// `run-a (running), run-b (complete)`, the first few, then how many more.
    static func runs(_ runs: [Seed.ProcessRun]) -> String {
        guard !runs.isEmpty else { return "none" }
        var text = runs.prefix(shownRuns).map { "\($0.id) (\($0.status))" }.joined(separator: ", ")
        if runs.count > shownRuns { text += " and \(runs.count - shownRuns) more" }
        return text
    }
}
