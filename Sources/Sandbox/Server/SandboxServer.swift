import Foundation
import Hummingbird
import Logging
import NIOCore
import OpenAPIHummingbird
import OpenAPIRuntime
import ProcessesAPI

/// The sandbox over HTTP: the generated server for every operation of
/// openapi.yaml (auth, limits and faults in front), plus the admin endpoints
/// under `/_sandbox/`.
public final class SandboxServer: Sendable {
    public struct Options: Sendable {
        public var host = "127.0.0.1"
        /// 0: any free port.
        public var port = 8080
        public var seed: Seed = .demo
        public var faults = FaultPlan()
        public var faultSeed: UInt64 = 1
        /// Requests per client per 60 seconds.
        public var rateLimit = 1000
        /// Log a line per request (info level of `logger`).
        public var logger = Logger(label: "procsh.sandbox", factory: { _ in SwiftLogNoOpLogHandler() })
        /// The read cache of getProcessRun and createJobRuns' own JSON reading
        /// and writing. Off, every request goes through the generated server,
        /// the reference the fast paths are tested against.
        public var fastPaths = true
        /// Serve on an address other than loopback (``SandboxServer/isLoopback(_:)``).
        /// Off, such a `host` is refused: the admin endpoints reset and export everything.
        public var allowRemote = false
        /// When set, the admin endpoints (`/_sandbox/`) answer only requests that
        /// send `Authorization: Bearer <adminToken>`, others get 401. Required
        /// off loopback: ``SandboxServer/start()`` and ``serve(handleSignals:onRunning:)`` refuse to serve without it.
        public var adminToken: String?

        public init() {}
    }

    /// Whether a host is loopback: `localhost`, `::1` or an address of 127.0.0.0/8 (RFC 1122).
    public static func isLoopback(_ host: String) -> Bool {
        let lowered = host.lowercased()
        if lowered == "localhost" || lowered == "::1" || lowered == "[::1]" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    /// Why these options cannot be served, or nil: off loopback, only with
    /// `allowRemote` and an admin token.
    public static func refusal(of options: Options) -> String? {
        guard !isLoopback(options.host) else { return nil }
        guard options.allowRemote else {
            return "\(options.host) is not a loopback address: anyone who can reach it could call the sandbox and its unauthenticated admin endpoints; serve on 127.0.0.1, or pass --allow-remote to mean it"
        }
        guard let token = options.adminToken, !token.isEmpty else {
            return "serving on \(options.host) needs an admin token for the /_sandbox/ endpoints"
        }
        return nil
    }

    /// A new random admin token.
    public static func newAdminToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return "sbxadm_" + (0..<2).map { _ in String(generator.next() as UInt64, radix: 16) }.joined()
    }

    public let options: Options
    public let store: SandboxStore
    let tokens = TokenBook()
    let limits: ClientRateLimits
    let injector: FaultInjector
    let requestLog = RequestLog()
    let readCache = ResponseCache()

    public init(options: Options) {
        self.options = options
        store = SandboxStore(seed: options.seed)
        limits = ClientRateLimits(limit: options.rateLimit)
        injector = FaultInjector(plan: options.faults, seed: options.faultSeed)
    }

    /// Back to the seed data, as `POST /_sandbox/reset` does: issued tokens stay
    /// valid, rate-limit windows restart, the request log and the read cache
    /// are emptied, and the freed memory goes back to the system.
    public func reset() {
        store.reset()
        limits.reset()
        requestLog.clear()
        readCache.removeAll()
        #if os(Linux)
        _ = glibcMallocTrim(0)  // glibc keeps freed memory for reuse otherwise: the sandbox would never shrink
        #endif
    }

    /// Injected faults so far, by name.
    public var faultCounts: [String: Int] { injector.counts }

    /// The faults injected from now on (replacing `options.faults`).
    public var faults: FaultPlan {
        get { injector.plan }
        set { injector.plan = newValue }
    }

    /// How the generated server writes answers: compact (smaller and faster
    /// than pretty), keys sorted, as procsh's JSON writer writes them.
    static let configuration = Configuration(jsonEncodingOptions: [.sortedKeys, .withoutEscapingSlashes])

    /// The stages that serve common requests without the generated server's
    /// Codable work (``Options/fastPaths``).
    static func fastPaths(store: SandboxStore, readCache: ResponseCache) -> [any ServerMiddleware] {
        [ReadCacheStage(store: store, cache: readCache), GetProcessRunStage(store: store), CreateJobRunsStage(store: store)]
    }

    /// The Hummingbird application; `onRunning` receives the bound port.
    func application(onRunning: @escaping @Sendable (Int) async -> Void) throws -> some ApplicationProtocol {
        let router = Router()
        let routes = KnownRoutes()
        router.middlewares.add(RequestLogMiddleware(log: requestLog, logger: options.logger))
        router.middlewares.add(UnknownRouteMiddleware(routes: routes))
        addAdminRoutes(to: router)
        try SandboxAPI(store: store, tokens: tokens).registerHandlers(
            on: router,
            configuration: Self.configuration,
            middlewares: [
                ErrorStage(), VersionStage(), BodyStage(), FaultStage(injector: injector), AuthStage(tokens: tokens, limits: limits),
            ] + (options.fastPaths ? Self.fastPaths(store: store, readCache: readCache) : []))
        routes.learn(from: router)
        var quiet = Logger(label: "procsh.sandbox.http")
        quiet.logLevel = .critical
        return Application(
            router: router,
            configuration: .init(address: .hostname(options.host, port: options.port), serverName: "procsh sandbox"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
            logger: quiet)
    }

    /// Serves until the task is cancelled or the process gets SIGINT/SIGTERM.
    /// `onRunning` gets the base URL once the port is bound.
    public func serve(handleSignals: Bool = true, onRunning: @escaping @Sendable (URL) async -> Void) async throws {
        if let refusal = Self.refusal(of: options) { throw SandboxStartError(message: refusal) }
        let host = options.host
        let app = try application { port in await onRunning(Self.baseURL(host: host, port: port)) }
        try await app.runService(gracefulShutdownSignals: handleSignals ? [.sigterm, .sigint] : [])
    }

    static func baseURL(host: String, port: Int) -> URL {
        let shown = host.contains(":") ? "[\(host)]" : host
        return URL(string: "http://\(shown):\(port)")!
    }

    /// Starts serving in the background (signals left alone); returns once the
    /// port is bound. Stop it with ``RunningSandbox/stop()``.
    public func start() async throws -> RunningSandbox {
        let (bound, continuation) = AsyncStream<URL>.makeStream()
        let task = Task {
            defer { continuation.finish() }  // a failure to bind ends the wait below
            try await serve(handleSignals: false) { url in continuation.yield(url) }
        }
        for await url in bound {
            continuation.finish()
            return RunningSandbox(baseURL: url, server: self, task: task)
        }
        // The stream ended without a URL: serving failed before binding.
        try await task.value
        throw SandboxStartError(message: "the sandbox stopped before it was listening")
    }
}

#if os(Linux)
/// glibc's `malloc_trim` (malloc.h, which the Glibc module does not export).
@_silgen_name("malloc_trim")
private func glibcMallocTrim(_ pad: Int) -> Int32
#endif
