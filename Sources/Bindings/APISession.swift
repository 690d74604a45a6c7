import Foundation
import JSON
import Logging
import ProcessesAPI

/// What the bindings talk to: one client for the whole run, created on the
/// first API call (a script that never calls the API never pays for it), and
/// in `--dry-run` a recording client that writes instead of sending.
public final class APISession {
    public let configuration: ClientConfiguration
    /// Mutating calls print the request they would send, and send nothing.
    public let dryRun: Bool
    /// Long work (a `jobruns.create` of several batches) shows its progress on
    /// standard error: set when that is a terminal and the run is not quiet.
    public var showsProgress = false
    let logger: Logger
    /// Where dry-run requests are printed (standard error).
    let printRequest: (String) -> Void
    private var realClient: ProcessesClient?
    private var recordingClient: (client: ProcessesClient, recorder: RequestRecorder)?
    /// Numbers the made-up ids of dry-run results.
    private var dryRunCount = 0
    /// What this session knows of each process run's tree (``RunView``), by run id.
    private var runViews: [String: RunViewState] = [:]

    public init(
        configuration: ClientConfiguration, dryRun: Bool = false, logger: Logger = Logger(label: "procsh.api"),
        printRequest: @escaping (String) -> Void = StandardError.write
    ) {
        self.configuration = configuration
        self.dryRun = dryRun
        self.logger = logger
        self.printRequest = printRequest
    }

    /// The client, created on first use.
    func client() throws(ProcessesAPIError) -> ProcessesClient {
        if let realClient { return realClient }
        let client = try ProcessesClient(configuration: configuration, logger: logger)
        realClient = client
        return client
    }

    /// Sends a call of `operation` that changes nothing (openapi.yaml gives
    /// it the scope `file:read`): it is sent in a dry run too.
    func send<T: Sendable>(
        _ operation: APIOperation, _ call: @escaping @Sendable (ProcessesClient) async throws(ProcessesAPIError) -> T
    ) throws(ProcessesAPIError) -> T {
        precondition(!operation.changesState, "\(operation.id) changes state: give what a dry run answers")
        return try sent(call)
    }

    /// Sends a call of `operation`; when it changes state (`file:write`) in a
    /// dry run, prints the request instead and answers with `pretend` (with
    /// ids from ``madeUpID(_:)``).
    func send<T: Sendable>(
        _ operation: APIOperation, _ call: @escaping @Sendable (ProcessesClient) async throws(ProcessesAPIError) -> T,
        pretend: () -> T
    ) throws(ProcessesAPIError) -> T {
        guard dryRun && operation.changesState else { return try sent(call) }
        let (client, recorder) = try recorder()
        _ = try? Blocking.wait({ () async throws(ProcessesAPIError) -> T in try await call(client) }) { interruption in
            Self.stopped(interruption, during: nil)
        }
        for request in recorder.take() {
            printRequest(Self.text(of: request))
        }
        return pretend()
    }

    private func sent<T: Sendable>(
        _ call: @escaping @Sendable (ProcessesClient) async throws(ProcessesAPIError) -> T
    ) throws(ProcessesAPIError) -> T {
        let client = try client()
        return try Blocking.wait({ () async throws(ProcessesAPIError) -> T in try await call(client) }) { interruption in
            Self.stopped(interruption, during: client.requestInFlight)
        }
    }

    private func recorder() throws(ProcessesAPIError) -> (ProcessesClient, RequestRecorder) {
        if let recordingClient { return recordingClient }
        let recorder = RequestRecorder()
        let pair = (try ProcessesClient(recordingInto: recorder, configuration: configuration), recorder)
        recordingClient = pair
        return pair
    }

    /// The error of a call that Ctrl-C or the run's deadline stopped. Its
    /// outcome is unknown: the request may have reached the server.
    static func stopped(
        _ interruption: Blocking.Interruption, during request: ProcessesAPIError.Request?, what: String = "waiting for the API"
    ) -> ProcessesAPIError {
        switch interruption {
        case .signal:
            return ProcessesAPIError(kind: .usage, code: "interrupted", message: "interrupted while \(what)", request: request)
        case .deadline:
            return ProcessesAPIError(
                kind: .timeout, code: "runTimeout", message: "the run's time limit (--timeout) passed while \(what)",
                request: request)
        }
    }

    /// Reads a whole process run once (the client retries it as any read): the answer, unparsed.
    func processRunAnswer(_ id: String, excludeGeneratedJobs: Bool? = nil) throws(ProcessesAPIError) -> JSONAnswer {
        try send(.getProcessRun) { client async throws(ProcessesAPIError) in
            try await client.json.getProcessRun(processRunId: id, excludeGeneratedJobs: excludeGeneratedJobs)
        }
    }

    /// Reads a whole process run once, as a ``JSONValue``.
    func readProcessRun(_ id: String) throws(ProcessesAPIError) -> JSONValue {
        try processRunAnswer(id).value()
    }

    /// Reads a process (a definition) once: the answer, unparsed.
    func processAnswer(_ id: String, excludeGeneratedJobs: Bool? = nil) throws(ProcessesAPIError) -> JSONAnswer {
        try send(.getProcess) { client async throws(ProcessesAPIError) in
            try await client.json.getProcess(processId: id, excludeGeneratedJobs: excludeGeneratedJobs)
        }
    }

    /// An id for a dry-run result, plainly not a real one: `dry-run-jobrun-1`.
    func madeUpID(_ kind: String) -> String {
        dryRunCount += 1
        return "dry-run-\(kind)-\(dryRunCount)"
    }

    /// A recorded request as `--dry-run` prints it: the request line, the
    /// headers (there is no Authorization header: nothing secret), the body.
    static func text(of request: RequestRecorder.Request) -> String {
        var lines = ["dry run: \(request.method) \(request.url)"]
        lines += request.headers.map { "  \($0)" }
        if let body = request.bodyText { lines.append("  " + body) }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A view is built from its read only when a create needs it: most reads
    /// never do. A read the script took as Lua tables is kept as its text
    /// (a tenth of a JSONValue's size) and parsed then.
    private enum RunViewState {
        case read(JSONValue)
        case text([UInt8])
        case built(RunView)
    }

    /// Keeps a read of a whole process run as the evidence of what stood in it.
    func remember(run: JSONValue, id: String) {
        runViews[id] = .read(run)
    }

    /// Keeps a read of a whole process run, as the answer's text.
    func remember(run: JSONAnswer, id: String) {
        runViews[id] = .text(run.bytes)
    }

    /// Forgets every run it read (the sandbox was reset under it).
    func forgetRuns() {
        runViews = [:]
    }

    /// What this session knows of the run's tree, or nil.
    func view(of runID: String) -> RunView? {
        switch runViews[runID] {
        case nil: return nil
        case .built(let view): return view
        case .read(let run):
            let view = RunView(run: run, id: runID)
            runViews[runID] = .built(view)
            return view
        case .text(let text):
            // The text was checked as JSON when it was read.
            let view = RunView(run: (try? JSONValue(parsing: text)) ?? .null, id: runID)
            runViews[runID] = .built(view)
            return view
        }
    }

    /// Records job runs procsh created, so the view stays true; a view that
    /// turns out wrong is dropped.
    func noteCreated(_ ids: [String], in runID: String, placement: JobRunPlacement, firstOrdinal: Int?) {
        guard runViews[runID] != nil, var view = view(of: runID) else { return }
        runViews[runID] = nil  // no copy of the view while it changes
        if view.insert(ids, placement: placement, firstOrdinal: firstOrdinal) { runViews[runID] = .built(view) }
    }

    /// Closes the client's connections.
    public func shutdown() {
        guard let client = realClient else { return }
        realClient = nil
        _ = try? Blocking.wait({ () async throws(ProcessesAPIError) in try? await client.shutdown() }) { Self.stopped($0, during: nil) }
    }
}
