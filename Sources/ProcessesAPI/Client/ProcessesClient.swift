import AsyncHTTPClient
import Foundation
import HTTPTypes
import JSON
import Logging
import OpenAPIAsyncHTTPClient
import OpenAPIRuntime

/// The Processes API, as scripts use it: one object per configuration, safe to
/// share between tasks. It authenticates (client credentials, token cached and
/// refreshed), retries what is safe to retry, keeps under the rate limit, and
/// reports every failure as a ``ProcessesAPIError``.
///
/// ```swift
/// let client = try ProcessesClient(configuration: .init(region: .us, credentials: credentials))
/// let created = try await client.createJobRuns(
///     processRunID: "run-123", jobs: [job], placement: .init(relativeSiblingID: "job-7", before: false))
/// ```
public final class ProcessesClient: Sendable {
    public let configuration: ClientConfiguration
    let api: Client
    /// The stages and the transport `api` uses (also for ``send(json:)``).
    let middlewares: [any ClientMiddleware]
    let transport: any ClientTransport
    let tokens: TokenProvider
    let inFlight = RequestsInFlight()

    /// The request this client is waiting on now (the innermost: an API call
    /// waiting for its token shows the token request), if any.
    public var requestInFlight: ProcessesAPIError.Request? { inFlight.innermost }
    /// The HTTP client this object created (and must shut down), if any.
    private let ownedHTTPClient: HTTPClient?

    /// A client over `transport`, or over its own AsyncHTTPClient when nil.
    public init(
        configuration: ClientConfiguration, transport: (any ClientTransport)? = nil,
        logger: Logger = Logger(label: "procsh.api"), clock: ClientClock = .system
    ) throws(ProcessesAPIError) {
        try ClientConfiguration.check(configuration.baseURL)
        self.configuration = configuration
        let chosenTransport: any ClientTransport
        if let transport {
            chosenTransport = transport
            ownedHTTPClient = nil
        } else {
            var http = HTTPClient.Configuration()
            http.timeout = .init(
                connect: .milliseconds(Int64(configuration.connectTimeout * 1000)),
                read: .milliseconds(Int64(configuration.requestTimeout * 1000)))
            http.redirectConfiguration = .disallow  // never carry credentials elsewhere
            // A refused connection fails at once; RetryMiddleware retries it
            // (nothing was sent) with its own backoff, instead of AsyncHTTPClient
            // trying again silently until the connect timeout.
            http.connectionPool.retryConnectionEstablishment = false
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: http)
            ownedHTTPClient = client
            chosenTransport = AsyncHTTPClientTransport(
                configuration: .init(client: client, timeout: .milliseconds(Int64(configuration.requestTimeout * 1000))))
        }
        // The token provider fetches through the same client, so token calls
        // are rate limited and retried like the rest; it reaches the client
        // through a box filled once the client exists.
        let box = ClientBox()
        let tokens = TokenProvider(clock: clock) {
            guard let client = box.client else { throw CancellationError() }
            return try await client.fetchToken()
        }
        self.tokens = tokens
        var middlewares: [any ClientMiddleware] = [
            RetryMiddleware(policy: configuration.retry, clock: clock, logger: logger, inFlight: inFlight)
        ]
        if let limit = configuration.rateLimit {
            middlewares.append(RateLimitMiddleware(limiter: RateLimiter(limit, clock: clock)))
        }
        middlewares += [
            AuthMiddleware(credentials: configuration.credentials, tokens: tokens),
            HeadersMiddleware(userAgent: configuration.userAgent),
            BufferingMiddleware(maximumResponseBytes: configuration.maximumResponseBytes, requestTimeout: configuration.requestTimeout),
        ]
        self.middlewares = middlewares
        self.transport = chosenTransport
        api = Client(
            serverURL: configuration.baseURL,
            configuration: .init(dateTranscoder: LenientISO8601DateTranscoder(), jsonEncodingOptions: [.sortedKeys]),
            transport: chosenTransport, middlewares: middlewares)
        box.client = self
    }

    /// A client that sends nothing (`--dry-run`): each call hands the exact
    /// request it would send to `recorder` and then fails. No credentials, no
    /// retries, no rate limit: only what shapes the request on the wire.
    public init(recordingInto recorder: RequestRecorder, configuration: ClientConfiguration) throws(ProcessesAPIError) {
        try ClientConfiguration.check(configuration.baseURL)
        var configuration = configuration
        configuration.credentials = nil
        self.configuration = configuration
        ownedHTTPClient = nil
        tokens = TokenProvider(clock: .system) { throw RequestRecorder.NotSent() }
        middlewares = [HeadersMiddleware(userAgent: configuration.userAgent)]
        transport = recorder
        api = Client(
            serverURL: configuration.baseURL,
            configuration: .init(dateTranscoder: LenientISO8601DateTranscoder(), jsonEncodingOptions: [.sortedKeys]),
            transport: recorder, middlewares: middlewares)
    }

    /// Closes the connections this client opened. Call it once, when done.
    public func shutdown() async throws {
        try await ownedHTTPClient?.shutdown()
    }

    deinit {
        // A client that was never shut down must not leave AsyncHTTPClient
        // complaining; nor may it block its last owner (a run ending on
        // Ctrl-C or --timeout) until an abandoned request finishes.
        ownedHTTPClient?.shutdown { _ in }
    }

    // MARK: Operations

    /// Where new job runs go: after or before a sibling, into a group, or (both
    /// nil) at the end of the process run's top-level list.
    public struct Placement: Sendable, Equatable {
        public var relativeSiblingID: String?
        public var parentGroupID: String?
        /// Before the sibling (the API's default) or after it.
        public var before: Bool?

        public init(relativeSiblingID: String? = nil, parentGroupID: String? = nil, before: Bool? = nil) {
            self.relativeSiblingID = relativeSiblingID
            self.parentGroupID = parentGroupID
            self.before = before
        }

        public static let end = Placement()
    }

    /// Creates job runs in a running process run (`POST /processRuns/{id}/jobRuns`).
    /// Not idempotent: a failure whose outcome is unknown is not retried.
    public func createJobRuns(
        processRunID: String, jobs: [Components.Schemas.JobRunCreate], placement: Placement = .end
    ) async throws(ProcessesAPIError) -> [Components.Schemas.JobRun] {
        try await call(.createJobRuns, [processRunID]) {
            let output = try await api.createJobRuns(
                path: .init(processRunId: processRunID),
                query: .init(
                    relativeSiblingId: placement.relativeSiblingID, parentGroupId: placement.parentGroupID,
                    before: placement.before.map { $0 ? ._true : ._false }),
                headers: .init(xVersion: .v2026_04_01_processes_preview),
                body: .json(jobs))
            return try output.created.body.json
        }
    }

    /// A process run with its whole tree of group runs and job runs.
    public func getProcessRun(id: String, excludeGeneratedJobs: Bool? = nil) async throws(ProcessesAPIError) -> Components.Schemas.ProcessRun {
        try await call(.getProcessRun, [id]) {
            try await api.getProcessRun(
                path: .init(processRunId: id), query: .init(excludeGeneratedJobs: excludeGeneratedJobs),
                headers: .init(xVersion: .v2026_04_01_processes_preview)
            ).ok.body.json
        }
    }

    /// A process (a definition).
    public func getProcess(id: String, excludeGeneratedJobs: Bool? = nil) async throws(ProcessesAPIError) -> Components.Schemas.Process {
        try await call(.getProcess, [id]) {
            try await api.getProcess(
                path: .init(processId: id), query: .init(excludeGeneratedJobs: excludeGeneratedJobs),
                headers: .init(xVersion: .v2026_04_01_processes_preview)
            ).ok.body.json
        }
    }

    /// Creates a process and its job tree.
    public func createProcess(_ definition: Components.Schemas.ProcessCreate) async throws(ProcessesAPIError) -> Components.Schemas.Process {
        try await call(.createProcess) {
            try await api.createProcess(headers: .init(xVersion: .v2026_04_01_processes_preview), body: .json(definition))
                .created.body.json
        }
    }

    /// Starts a run of a process.
    public func runProcess(id: String, sendProcessCompleteEmail: Bool? = nil) async throws(ProcessesAPIError) -> Components.Schemas.ProcessRun {
        try await call(.runProcess, [id]) {
            try await api.runProcess(
                path: .init(processId: id), headers: .init(xVersion: .v2026_04_01_processes_preview),
                body: sendProcessCompleteEmail.map { .json(.init(sendProcessCompleteEmail: $0)) }
            ).created.body.json
        }
    }

    /// Moves a process to the trash (`DELETE /processes/{id}`): it leaves the list and reads.
    public func trashProcess(id: String) async throws(ProcessesAPIError) {
        try await call(.trashProcess, [id]) {
            _ = try await api.trashProcess(
                path: .init(processId: id), headers: .init(xVersion: .v2026_04_01_processes_preview)
            ).noContent
        }
    }

    /// What stands in the way of running a process (`POST /processes/{id}/validation`):
    /// `errors` is empty when it is valid. Changes nothing (it needs only
    /// `file:read`), so it is retried like a read.
    public func validateProcess(id: String) async throws(ProcessesAPIError) -> Components.Schemas.ProcessValidation {
        try await call(.validateProcess, [id]) {
            try await api.validateProcess(
                path: .init(processId: id), headers: .init(xVersion: .v2026_04_01_processes_preview)
            ).ok.body.json
        }
    }

    /// Renames jobs and groups of a process (`POST /processes/{id}/batchUpdates`), at most
    /// ``maximumBatchUpdates`` per request, applied together; answers the process as it is now.
    public func batchUpdateProcess(
        id: String, updates: [Components.Schemas.BatchUpdateItem]
    ) async throws(ProcessesAPIError) -> Components.Schemas.Process {
        try await call(.batchUpdateProcess, [id]) {
            try await api.batchUpdateProcess(
                path: .init(processId: id), headers: .init(xVersion: .v2026_04_01_processes_preview),
                body: .json(.init(data: updates))
            ).ok.body.json
        }
    }

    /// The most updates one batchUpdateProcess request carries (openapi.yaml's `maxItems`).
    public static let maximumBatchUpdates = APIOperation.batchUpdateProcess.maximumItems(in: "data") ?? .max

    /// One page of processes. `next` is the token of a previous page's `@nextLink`.
    public func listProcessesPage(
        filter: String? = nil, orderBy: String? = nil, pageSize: Int? = nil, next: String? = nil
    ) async throws(ProcessesAPIError) -> Components.Schemas.ProcessList {
        try await call(.listProcesses) {
            try await api.listProcesses(
                query: .init(next: next, maxpagesize: pageSize, filter: filter, orderBy: orderBy),
                headers: .init(xVersion: .v2026_04_01_processes_preview)
            ).ok.body.json
        }
    }

    /// Every process, page after page as the sequence is read (``ProcessListing``).
    public func processes(filter: String? = nil, orderBy: String? = nil, pageSize: Int? = nil) -> ProcessListing {
        ProcessListing(client: self, filter: filter, orderBy: orderBy, pageSize: pageSize)
    }

    // MARK: Plumbing

    /// Fetches an access token with the client credentials. No X-Version, as
    /// Workiva's own samples send it: IAM documents none on this request.
    func fetchToken() async throws -> (token: String, expiresIn: Double?) {
        let scope = configuration.credentials?.scope
        let answer = try await call(.requestToken) {
            try await api.requestToken(
                headers: .init(),
                body: .urlEncodedForm(.init(grantType: .clientCredentials, scope: scope))
            ).ok.body.json
        }
        return (answer.accessToken, answer.expiresIn.map(Double.init))
    }

    /// Runs one generated-client call of `operation` (its path parameters'
    /// values: `values`) and turns whatever it throws into a ``ProcessesAPIError``.
    func call<T>(
        _ operation: APIOperation, _ values: [String] = [], _ body: () async throws -> T
    ) async throws(ProcessesAPIError) -> T {
        do {
            return try await body()
        } catch {
            throw Self.translate(
                error, request: .init(method: operation.method.rawValue, path: operation.path(values)),
                safeToRepeat: operation.isSafeToRepeat)
        }
    }

    /// The ``ProcessesAPIError`` for an error out of the generated client.
    static func translate(_ error: any Error, request: ProcessesAPIError.Request, safeToRepeat: Bool) -> ProcessesAPIError {
        let inner = unwrapClientError(error)
        if let inner = inner as? ProcessesAPIError { return inner }
        guard let clientError = error as? ClientError else {
            return ProcessesAPIError(kind: .transport, message: "\(error)", request: request)
        }
        if inner is CancellationError {
            return ProcessesAPIError(kind: .usage, message: "the request was cancelled", request: request)
        }
        // A success status whose body is not what openapi.yaml says.
        let status = clientError.response.map { Int($0.status.code) }
        return ProcessesAPIError(
            kind: .transport, status: status, code: "invalidResponse",
            message: "the answer could not be read (\(describe(inner)))",
            retryable: safeToRepeat, request: request,
            hint: safeToRepeat ? nil : RetryMiddleware.unknownOutcomeHint)
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context), DecodingError.keyNotFound(_, let context),
            DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "\(JSONPath.appending(context.codingPath, to: "body")): \(context.debugDescription)"
        default:
            return "\(error)"
        }
    }
}

/// Lets the token provider reach the client it belongs to (set once, at init).
private final class ClientBox: @unchecked Sendable {
    weak var client: ProcessesClient?
}
