#if canImport(Glibc)
import Glibc
#endif
import Bindings
import Foundation
import Logging
import ProcessesAPI
import Sandbox

/// What the bindings are installed with for a run, made from its resolved
/// ``Settings``: the API session, and with `--sandbox` a sandbox started here.
enum BindingsContext {
    /// The bindings' context for a run; with `--sandbox`, starts the sandbox
    /// in this process first (demo data, a free loopback port).
    static func make(_ settings: Settings, options: RunOptions) throws(Settings.Failure) -> Bindings.Context {
        let logger = Logger(label: "procsh") { _ in
            StandardErrorLogHandler(level: settings.logLevel.value, json: settings.logFormat.value == .json)
        }
        var configuration: ClientConfiguration
        var sandbox: InProcessSandbox?
        do {
            switch settings.target.value {
            case .sandbox:
                let running = try InProcessSandbox.start()
                sandbox = running
                configuration = try ClientConfiguration(
                    baseURL: running.sandbox.baseURL,
                    credentials: .init(clientID: "sandbox-client", clientSecret: "sandbox-secret"))
            case .baseURL(let url):
                configuration = try ClientConfiguration(baseURL: url, credentials: settings.credentials)
            case .region(let region):
                configuration = ClientConfiguration(region: region, credentials: settings.credentials)
            }
        } catch let error as ProcessesAPIError {
            throw Settings.Failure(message: "\(settings.target.source): \(error.message)", status: ExitStatus.usage)
        } catch let failure as Settings.Failure {
            throw failure
        } catch {
            throw Settings.Failure(message: "\(error)", status: ExitStatus.unavailable)
        }
        configuration.requestTimeout = settings.requestTimeout.value
        let json = settings.logFormat.value == .json
        let printRequest: (String) -> Void =
            json ? { text in StandardError.write(dryRunLine(text)) } : { text in StandardError.write(text) }
        let session = APISession(configuration: configuration, dryRun: options.dryRun, logger: logger, printRequest: printRequest)
        // Progress lines are for a person at a terminal, never in a log of JSON lines.
        session.showsProgress = isatty(2) != 0 && !options.quiet && !json
        return Bindings.Context(session: session, sandbox: sandbox)
    }

    /// A request `--dry-run` prints (`dry run: METHOD URL`, then the header
    /// lines and the body, each indented by two spaces) as one JSON line:
    /// the first line as `message`, then `method`, `url`, `headers` and `body`.
    static func dryRunLine(_ text: String) -> String {
        var lines = text.split(separator: "\n").map(String.init)
        guard !lines.isEmpty else { return StandardErrorLogHandler.jsonLine(level: .info, message: text) }
        let first = lines.removeFirst()
        var metadata: Logger.Metadata = [:]
        let words = first.split(separator: " ", maxSplits: 3).map(String.init)  // "dry", "run:", METHOD, URL
        if words.count == 4 {
            metadata["method"] = .string(words[2])
            metadata["url"] = .string(words[3])
        }
        var rest = lines.map { $0.hasPrefix("  ") ? String($0.dropFirst(2)) : $0 }
        if let last = rest.last, last.hasPrefix("{") || last.hasPrefix("[") {  // the JSON body (headers never start so)
            metadata["body"] = .string(last)
            rest.removeLast()
        }
        metadata["headers"] = .array(rest.map { .string($0) })
        return StandardErrorLogHandler.jsonLine(level: .info, message: first, metadata: metadata)
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
        return InProcessSandbox(
            try Blocking.wait({ () async throws in try await server.start() }, stopped: { interruption in
                switch interruption {
                case .signal: return Settings.Failure(message: "interrupted while the sandbox was starting", status: ExitStatus.unavailable)
                case .deadline:
                    return Settings.Failure(
                        message: "the run's time limit (--timeout) passed while the sandbox was starting", status: ExitStatus.temporaryFailure)
                }
            }))
    }

    var url: String { sandbox.baseURL.absoluteString }

    func reset() { sandbox.server.reset() }

    func setFaults(_ spec: String) -> String? {
        do {
            sandbox.server.faults = try FaultPlan(parsing: spec)
            return nil
        } catch {
            return "\(error)"
        }
    }

    func setStatus(ofJobRun id: String, to status: String) throws(SandboxControlError) -> String {
        do {
            return try sandbox.server.store.setJobRunStatus(id: id, status: status).runStatus
        } catch {
            throw SandboxControlError(status: error.status, code: error.code, message: error.message, target: error.target)
        }
    }
}
