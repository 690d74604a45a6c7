import ArgumentParser
import Bindings
import Dispatch
import Foundation
import Logging
import NIOCore
import Sandbox

/// `procsh sandbox`: the local stand-in for the Processes API.
struct SandboxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "procsh sandbox",
        abstract: "A local, stateful stand-in for Workiva's Processes API.",
        discussion: "See docs/sandbox.md for its rules, seed format and admin endpoints.",
        subcommands: [Serve.self])

    struct Serve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve the sandbox over HTTP until interrupted (Ctrl-C).")

        @Option(help: "Address to listen on (loopback unless you mean otherwise).")
        var host = "127.0.0.1"

        @Option(help: "Port to listen on; 0 picks a free one.")
        var port = 8080

        @Option(help: ArgumentHelp("Load this seed file (JSON) instead of the demo data.", valueName: "file"))
        var seed: String?

        @Option(help: ArgumentHelp("Inject faults, e.g. 503=0.1,429=0.05,reset=0.02,latency=20ms,500-after-commit=0.02.", valueName: "spec"))
        var faults: String?

        @Option(help: "Seed of the fault generator, for reproducible runs.")
        var faultSeed: UInt64 = 1

        @Option(help: "Requests per client per 60 seconds before 429.")
        var rateLimit = 1000

        @Flag(help: "Do not log a line per request.")
        var quiet = false

        @Flag(help: "Allow a --host that is not loopback (anyone who can reach it can call the sandbox).")
        var allowRemote = false

        @Option(help: ArgumentHelp(
            "Require this token (Authorization: Bearer) on the /_sandbox/ endpoints; off loopback one is made up and printed unless given here or in PROCSH_SANDBOX_ADMIN_TOKEN.",
            valueName: "token"))
        var adminToken: String?

        /// The admin token: the option, else the environment's.
        var givenAdminToken: String? {
            adminToken ?? ProcessInfo.processInfo.environment["PROCSH_SANDBOX_ADMIN_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        }

        func validate() throws {
            guard (0...65535).contains(port) else { throw ValidationError("--port \(port) is not a port number (0...65535)") }
            guard rateLimit > 0 else { throw ValidationError("--rate-limit must be at least 1") }
            if !SandboxServer.isLoopback(host) && !allowRemote {
                throw ValidationError(
                    "--host \(host) is not a loopback address: anyone who can reach it could call the sandbox, reset it and read its state; keep it on 127.0.0.1, or add --allow-remote if you mean it")
            }
            if adminToken == "" { throw ValidationError("--admin-token must not be empty") }
            if let faults {
                do { _ = try FaultPlan(parsing: faults) } catch { throw ValidationError("--faults: \(error)") }
            }
            // Read here, so a bad file is reported with serve's usage (run reads it again).
            if let seed { _ = try Self.loadSeed(seed) }
        }

        static func loadSeed(_ path: String) throws -> Seed {
            do { return try Seed.load(path: path) } catch { throw ValidationError("--seed \(error)") }
        }

        func run() throws {
            var options = SandboxServer.Options()
            options.host = host
            options.port = port
            options.rateLimit = rateLimit
            options.faultSeed = faultSeed
            options.allowRemote = allowRemote
            options.adminToken = givenAdminToken
            let remote = !SandboxServer.isLoopback(host)
            var madeUpToken: String?
            if remote && options.adminToken == nil {
                madeUpToken = SandboxServer.newAdminToken()
                options.adminToken = madeUpToken
            }
            if remote {
                // The made-up token is printed once, here, so that its user can use it; a given one never is.
                let token = madeUpToken.map { "the admin token \($0) (made up now; --admin-token or PROCSH_SANDBOX_ADMIN_TOKEN sets one)" } ?? "the admin token given"
                FileHandle.standardError.write(Data("procsh sandbox: warning: listening on \(host), not loopback: anyone who can reach it can call the sandbox (it has no TLS); the /_sandbox/ endpoints need \(token)\n".utf8))
            }
            if let faults { options.faults = try FaultPlan(parsing: faults) }
            if let seed {
                options.seed = try Self.loadSeed(seed)
            }
            if !quiet {
                options.logger = Logger(label: "procsh.sandbox") { _ in LineLogHandler() }
            }
            let server = SandboxServer(options: options)
            let data = seed.map { Banner.Contents.file($0, options.seed) } ?? .demo
            let plan = options.faults
            do {
                try serveUntilStopped(server, data: data, plan: plan, guarded: options.adminToken != nil)
            } catch let error as IOError where error.errnoCode == EADDRINUSE {
                FileHandle.standardError.write(Data("procsh sandbox: cannot listen on \(host):\(port): the address is in use (another sandbox? --port 0 picks a free port)\n".utf8))
                throw ExitCode(ExitStatus.unavailable)
            } catch let error as IOError where error.errnoCode == EADDRNOTAVAIL {
                FileHandle.standardError.write(Data("procsh sandbox: cannot listen on \(host): it is not an address of this machine\n".utf8))
                throw ExitCode(ExitStatus.unavailable)
            }
        }

        func serveUntilStopped(_ server: SandboxServer, data: Banner.Contents, plan: FaultPlan, guarded: Bool) throws {
            let faults = plan.isEmpty ? "" : "; faults: \(plan)"
            try blocking {
                try await server.serve { url in
                    writeLine(Banner.text(base: url.absoluteString, data: data, faults: faults, guarded: guarded))
                }
            }
        }
    }
}

/// Runs async work to completion from synchronous code (the command line's
/// thread is not a concurrency thread, so blocking it is safe).
func blocking(_ work: @escaping @Sendable () async throws -> Void) throws {
    let done = DispatchSemaphore(value: 0)
    let outcome = ErrorSlot()
    Task {
        do { try await work() } catch { outcome.error = error }
        done.signal()
    }
    done.wait()
    if let error = outcome.error { throw error }
}

/// One line on standard output, written at once (unbuffered: a test reading
/// the banner through a pipe sees it immediately).
func writeLine(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}

private final class ErrorSlot: @unchecked Sendable {
    var error: (any Error)?
}

/// Log lines as they are: one message per line on standard output.
struct LineLogHandler: LogHandler {
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        writeLine(event.message.description)
    }
}
