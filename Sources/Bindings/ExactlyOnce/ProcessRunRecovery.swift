import Foundation
import JSON
import Logging
import ProcessesAPI

/// `processes.run` when its answer is lost: runProcess is not idempotent and
/// has no idempotency key, so procsh never sends it again; it reads the
/// process to find the run the request started (docs/lua-api.md,
/// "processes.run").
///
/// The only place the API shows runs of a process is the process's `run`
/// member, its latest run (`$orderBy` names `run.created.dateTime`); there is
/// no list of a process's runs. The evidence is therefore: a run of this
/// process created no earlier than the moment the request was sent, less
/// ``clockTolerance`` for the difference between procsh's clock and the
/// server's (the client cannot read the server's `Date` header). Exactly one
/// such run, with an id and a creation time, is taken as the request's run,
/// unless the script already had it (``known``: runs procsh returned earlier
/// in this run of procsh cannot be the new one).
struct RunEvidence {
    /// How much earlier than the moment of sending (by procsh's clock) a run
    /// may have been created (by the server's) and still count. It covers
    /// clocks a few seconds apart and creation times shown in whole seconds;
    /// it is short because a run someone else started in this window would be
    /// taken for this request's.
    static let clockTolerance: TimeInterval = 10

    let processID: String
    /// When procsh sent the request, by its own clock.
    let sent: Date
    /// The earliest creation time a run of this request can show: `sent` less
    /// the tolerance, in whole seconds.
    let since: Date
    /// Runs of the process this script already had before sending: never the new one.
    let known: Set<String>
    /// The lost answer's status, if it began to arrive, and its kind.
    let status: Int?
    let kind: ProcessesAPIError.Kind
    /// The lost answer's status was 2xx: the server said it started the run.
    var certain: Bool { status.map { (200..<300).contains($0) } ?? false }

    init(processID: String, sent: Date, failure: ProcessesAPIError, known: Set<String> = []) {
        self.processID = processID
        self.sent = sent
        self.known = known
        since = Date(timeIntervalSince1970: (sent.timeIntervalSince1970 - Self.clockTolerance).rounded(.down))
        status = failure.status
        kind = failure.kind
    }

    /// What the process's answer says.
    enum Verdict {
        /// The one run that fits.
        case found(run: JSONValue, id: String, created: Date)
        /// No run, or more than one, fits: the runs that may be this request's, and why procsh cannot decide.
        case undecided(candidates: [JSONValue], why: String)
    }

    /// Judges a process as getProcess answers it.
    func judge(process: JSONValue) -> Verdict {
        let runs = Self.runs(of: process)
        let candidates = runs.filter { run in
            if let id = run["id"]?.stringValue, known.contains(id) { return false }
            return Self.created(of: run).map { $0 >= since } ?? true
        }
        guard candidates.count == 1, let run = candidates.first else {
            if candidates.isEmpty { return .undecided(candidates: [], why: nothingNewer(than: Self.latest(of: runs))) }
            let ids = candidates.map { $0["id"]?.stringValue ?? "(no id)" }.joined(separator: ", ")
            return .undecided(
                candidates: candidates,
                why: "\(candidates.count) runs of the process may have been created since \(Self.text(since)) (\(ids)), and nothing tells which one is this request's")
        }
        guard let created = Self.created(of: run) else {
            return .undecided(
                candidates: candidates,
                why: "run \(run["id"]?.stringValue ?? "(no id)"), the only one the process shows that may be this request's, shows no creation time (created.dateTime), so it cannot be told from a run started before the request")
        }
        guard let id = run["id"]?.stringValue, !id.isEmpty else {
            return .undecided(candidates: candidates, why: "the run the process shows as created at \(Self.text(created)) has no id")
        }
        return .found(run: run, id: id, created: created)
    }

    /// Why no run fits, given the latest one the process shows.
    private func nothingNewer(than latest: JSONValue?) -> String {
        let window = "since the request was sent at \(Self.text(sent)) (less \(Int(Self.clockTolerance)) s for the clocks' difference)"
        let shown: String
        if let latest {
            let id = latest["id"]?.stringValue ?? "(no id)"
            let created = Self.created(of: latest).map(Self.text) ?? "an unknown time"
            shown = known.contains(id)
                ? "its latest run, \(id), created at \(created), is one this script already had"
                : "its latest run, \(id), was created at \(created)"
        } else {
            shown = "it shows no run at all"
        }
        if certain {
            return "the server answered \(status ?? 201), so it started a run, but GET /processes/\(processID) shows none \(window): \(shown); the new run may not be shown yet, or the clocks differ by more"
        }
        return "GET /processes/\(processID) shows no run started \(window): \(shown); after \(failure) the server may have started one it does not show yet, so this does not prove that none was started"
    }

    /// The lost answer's failure, in words.
    private var failure: String {
        switch (status, kind) {
        case (let status?, _): return "HTTP \(status)"
        case (nil, .timeout): return "a timeout"
        default: return "a lost connection"
        }
    }

    /// The runs a process shows: its `run` member (an object), or each item if it is a list.
    static func runs(of process: JSONValue) -> [JSONValue] {
        switch process["run"] {
        case .object(let members)?: return [.object(members)]
        case .array(let items)?: return items.filter { $0.objectValue != nil }
        default: return []
        }
    }

    /// The latest of `runs` by creation time (runs without one count as oldest).
    static func latest(of runs: [JSONValue]) -> JSONValue? {
        runs.max { (created(of: $0) ?? .distantPast) < (created(of: $1) ?? .distantPast) }
    }

    /// A run's `created.dateTime`, if it has one that reads as RFC 3339.
    static func created(of run: JSONValue) -> Date? {
        run["created"]?["dateTime"]?.stringValue.flatMap(date(from:))
    }

    /// An RFC 3339 date-time, with or without fractional seconds.
    static func date(from text: String) -> Date? {
        if let date = try? Date.ISO8601FormatStyle().parse(text) { return date }
        return try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text)
    }

    /// `2026-04-01T09:30:00Z`.
    static func text(_ date: Date) -> String {
        Date.ISO8601FormatStyle().format(date)
    }
}

extension APISession {
    /// `processes.run`: POST /processes/{id}/run. When the outcome is unknown
    /// (5xx, timeout or connection lost after sending, or an answer cut off),
    /// the run is looked for instead of the request being sent again.
    /// `known`: runs of the process the script already had (they are never the new one).
    func runProcess(id: String, sendProcessCompleteEmail email: Bool?, known: Set<String> = []) throws(ScriptError) -> JSONValue {
        let sent = Date()
        let run: Components.Schemas.ProcessRun
        do {
            run = try send(
                .runProcess,
                { client async throws(ProcessesAPIError) in try await client.runProcess(id: id, sendProcessCompleteEmail: email) },
                pretend: { Components.Schemas.ProcessRun(id: madeUpID("run"), status: "running") })
        } catch {
            // Not when Ctrl-C or --timeout stopped it: the run is ending, and procsh does not start reading then.
            guard !dryRun, error.mayHaveBeenDone, !error.stoppedTheRun else { throw ScriptError(error) }
            return try findRun(of: id, lost: error, sent: sent, known: known)
        }
        var json = ModelCoding.json(run)
        if dryRun, case .object(var members) = json {
            members["dryRun"] = true
            json = .object(members)
        }
        return json
    }


    /// Reads the process to find the run a request whose answer was lost
    /// started: returns it (read in full, as the answer would have been), or
    /// raises the lost answer's error with what was found.
    func findRun(of processID: String, lost: ProcessesAPIError, sent: Date, known: Set<String>) throws(ScriptError) -> JSONValue {
        let evidence = RunEvidence(processID: processID, sent: sent, failure: lost, known: known)
        let process: JSONValue
        do {
            process = try processAnswer(processID).value()
        } catch {
            throw undecided(
                lost, evidence, candidates: [],
                why: "reading the process to find out (GET /processes/\(processID)) failed too: \(Self.summary(of: error))")
        }
        switch evidence.judge(process: process) {
        case .undecided(let candidates, let why):
            throw undecided(lost, evidence, candidates: candidates, why: why)
        case .found(let summary, let runID, let created):
            let run: JSONValue
            do {
                run = try readProcessRun(runID)
            } catch {
                throw undecided(
                    lost, evidence, candidates: [summary],
                    why: "run \(runID), created at \(RunEvidence.text(created)), fits, but reading it (GET /processRuns/\(runID)) failed: \(Self.summary(of: error))")
            }
            logger.info(
                "processes.run: the answer to POST /processes/\(processID)/run was lost (\(Self.summary(of: lost))); found run \(runID) of the process, created at \(RunEvidence.text(created)) (the request was sent at \(RunEvidence.text(sent))), and returned it; nothing was sent again")
            return run
        }
    }

    /// The lost answer's error, saying what procsh looked at and why it cannot
    /// decide, with `unknown = true`, `candidates`, `sent` and `since`.
    private func undecided(
        _ lost: ProcessesAPIError, _ evidence: RunEvidence, candidates: [JSONValue], why: String
    ) -> ScriptError {
        var error = lost
        error.retryable = false
        error.message += "; procsh cannot tell whether this request started a run: \(why)"
        error.hint =
            "it was not sent again (it is not idempotent); see error.candidates, or look later with processes.lastrun(\"\(evidence.processID)\", { since = error.since }), before running the process again"
        return ScriptError(error, extra: [
            ("unknown", .bool(true)),
            ("candidates", .array(candidates)),
            ("sent", .string(RunEvidence.text(evidence.sent))),
            ("since", .string(RunEvidence.text(evidence.since))),
        ])
    }

    /// `api 500 (500): unknown error`, without the request and hint.
    private static func summary(of error: ProcessesAPIError) -> String {
        var line = error.kind.rawValue
        if let status = error.status { line += " \(status)" }
        if let code = error.code { line += " (\(code))" }
        return line + ": " + error.message
    }

    /// `processes.lastrun`: the process's latest run as the API shows it
    /// (its `run` member), or nil when it shows none.
    func lastRun(of processID: String) throws(ScriptError) -> JSONValue? {
        let process = try call { () throws(ProcessesAPIError) in try processAnswer(processID).value() }
        return RunEvidence.latest(of: RunEvidence.runs(of: process))
    }
}

/// The runs of each process this script has had from `processes.run` and
/// `processes.lastrun`: a lost answer's run is never one of them. One per
/// `processes` module, so one per script.
final class KnownRuns {
    private var ids: [String: Set<String>] = [:]

    /// The runs of `processID` the script has had.
    func of(_ processID: String) -> Set<String> { ids[processID] ?? [] }

    /// Notes `run` (a run as the API shows it) as had.
    func add(_ run: JSONValue?, of processID: String) {
        guard let id = run?["id"]?.stringValue else { return }
        ids[processID, default: []].insert(id)
    }
}
