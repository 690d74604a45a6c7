#if canImport(Glibc)
import Glibc
#endif
import Bindings
import Foundation
import Logging
import ProcessesAPI
import Sandbox

/// Where scripts' API calls go: `--sandbox`, `--base-url`, `--region`, the
/// credentials in the environment; and `--dry-run`, `--log-level`.
enum Connection {
    struct Options {
        var sandbox = false
        var dryRun = false
        var baseURL: URL?
        var region: ClientConfiguration.Region?
        var logLevel: Logger.Level = .info
        /// Seconds one request may take, from sending to the last byte of the answer.
        var requestTimeout: Double?

        enum Outcome: Equatable {
            case set, unknown
            case invalid(String)
        }

        /// Takes one long option (`value` is nil for those without one).
        mutating func set(_ name: String, _ value: String?) -> Outcome {
            switch (name, value) {
            case ("--sandbox", nil): sandbox = true
            case ("--dry-run", nil): dryRun = true
            case ("--base-url", let value?):
                guard let url = URL(string: value), url.scheme != nil, url.host != nil else {
                    return .invalid("'\(value)' is not an absolute URL (e.g. https://api.app.wdesk.com)")
                }
                baseURL = url
            case ("--region", let value?):
                guard let region = ClientConfiguration.Region(rawValue: value.lowercased()) else {
                    let names = ClientConfiguration.Region.allCases.map(\.rawValue).joined(separator: ", ")
                    return .invalid("'\(value)' is not a region (\(names))")
                }
                self.region = region
            case ("--log-level", let value?):
                guard let level = Logger.Level(rawValue: value.lowercased() == "warn" ? "warning" : value.lowercased()) else {
                    return .invalid("'\(value)' is not a level (trace, debug, info, notice, warn, error, critical)")
                }
                logLevel = level
            case ("--request-timeout", let value?):
                guard let seconds = Double(value), seconds > 0, seconds.isFinite else {
                    return .invalid("'\(value)' is not a number of seconds greater than 0")
                }
                requestTimeout = seconds
            case ("--sandbox", _?), ("--dry-run", _?):
                return .invalid("takes no value")
            default:
                return .unknown
            }
            return .set
        }

        /// At most one place to connect to.
        var conflict: String? {
            let chosen = [sandbox ? "--sandbox" : nil, baseURL != nil ? "--base-url" : nil, region != nil ? "--region" : nil]
                .compactMap { $0 }
            return chosen.count > 1 ? "\(chosen.joined(separator: " and ")) name different APIs; give one" : nil
        }
    }

    /// A failure to set up the connection (status 64 for a usage error, 69 if the sandbox cannot start).
    struct Failure: Error {
        let message: String
        let status: Int32
    }

    /// The bindings' settings for `options`; with `--sandbox`, starts the
    /// sandbox in this process first (demo data, a free loopback port).
    static func settings(for options: Options, environment: (String) -> String?) throws(Failure) -> Bindings.Settings {
        if let conflict = options.conflict { throw Failure(message: conflict, status: ExitStatus.usage) }
        let logger = Logger(label: "procsh") { _ in StandardErrorLogHandler(level: options.logLevel) }
        var configuration: ClientConfiguration
        var sandbox: InProcessSandbox?
        do {
            if options.sandbox {
                let running = try InProcessSandbox.start()
                sandbox = running
                configuration = try ClientConfiguration(
                    baseURL: running.sandbox.baseURL,
                    credentials: .init(clientID: "sandbox-client", clientSecret: "sandbox-secret"))
            } else if let url = options.baseURL {
                configuration = try ClientConfiguration(baseURL: url, credentials: credentials(environment))
            } else {
                configuration = ClientConfiguration(region: options.region ?? .us, credentials: credentials(environment))
            }
        } catch let error as ProcessesAPIError {
            throw Failure(message: error.message, status: ExitStatus.usage)
        } catch {
            throw Failure(message: "\(error)", status: ExitStatus.unavailable)
        }
        if let timeout = options.requestTimeout { configuration.requestTimeout = timeout }
        let session = APISession(configuration: configuration, dryRun: options.dryRun, logger: logger)
        return Bindings.Settings(session: session, logger: logger, sandbox: sandbox)
    }

    /// WORKIVA_CLIENT_ID and WORKIVA_CLIENT_SECRET, when both are set.
    static func credentials(_ environment: (String) -> String?) -> ClientConfiguration.Credentials? {
        guard let id = environment("WORKIVA_CLIENT_ID"), !id.isEmpty,
            let secret = environment("WORKIVA_CLIENT_SECRET"), !secret.isEmpty
        else { return nil }
        return .init(clientID: id, clientSecret: secret, scope: environment("WORKIVA_SCOPE").flatMap { $0.isEmpty ? nil : $0 })
    }

}

/// The sandbox of `--sandbox`: served by this process on a free loopback
/// port, for as long as the script runs.
final class InProcessSandbox: SandboxControl {
    let sandbox: RunningSandbox

    private init(_ sandbox: RunningSandbox) {
        self.sandbox = sandbox
    }

    /// Starts the sandbox (demo data, 127.0.0.1, a free port) and waits until it listens.
    static func start() throws -> InProcessSandbox {
        var options = SandboxServer.Options()
        options.port = 0
        let server = SandboxServer(options: options)
        return InProcessSandbox(try Blocking.wait { () async throws in try await server.start() })
    }

    var url: String { sandbox.baseURL.absoluteString }

    func reset() { sandbox.server.store.reset() }

    func setFaults(_ spec: String) -> String? {
        do {
            sandbox.server.faults = try FaultPlan(parsing: spec)
            return nil
        } catch {
            return "\(error)"
        }
    }
}
