import JSON
import LuaKit
import ProcessesAPI

/// Creates job runs in batches, each job run exactly once: when a batch's
/// answer is lost (a 500, a broken connection, a timeout after sending), it
/// reads the run, decides from the evidence which job runs the lost request
/// created (``Reconciliation``), and sends only the missing ones, at their
/// place. On the happy path it sends exactly one request per batch.
final class JobRunCreator {
    let session: APISession
    let runID: String
    let batchSize: Int
    /// False: a lost answer ends the call with an error, as `opts.reconcile = false` asks.
    let reconciles: Bool
    /// The function name in messages and logs (`jobruns.create`).
    let function: String
    /// What each reconciliation found, for the caller (`jobruns.create`'s second result).
    private(set) var records: [JSONValue] = []
    /// The job runs this creator made, those whose answers were lost included
    /// (not those `jobruns.ensure` found standing).
    private(set) var createdCount = 0
    private var batchNumber = 0
    /// Shows `done/total` on a terminal during long work.
    var progress: Progress?
    private var progressDone = 0

    /// The same job runs' answer lost this many times in a row ends the call.
    static let maximumRounds = 8
    /// Reads of the run made to find out, each already retried by the client
    /// (four attempts): twelve attempts in all, over about ten seconds when
    /// they fail quickly; one read's attempts when they time out.
    static let readAttempts = 3

    init(session: APISession, runID: String, batchSize: Int, reconciles: Bool, function: String) {
        (self.session, self.runID, self.batchSize, self.reconciles, self.function) = (session, runID, batchSize, reconciles, function)
    }

    /// Why a call stopped: the API's error, the positions (0-based, in the
    /// caller's list) of the batch whose outcome is not known or that failed,
    /// and when procsh could not decide, why.
    struct Failure: Error {
        var error: ProcessesAPIError
        var failed: Range<Int>
        var undecided: String?
        /// Job runs made before the failure by this call, in the caller's order.
        var created: [JSONValue] = []
    }

    /// Creates `specs` (positions `offset...` in the caller's list) at `placement`.
    func create(_ specs: ArraySlice<JSONValue>, at placement: JobRunPlacement, offset: Int, depth: Int = 0) throws(Failure) -> [JSONValue] {
        var created: [JSONValue] = []
        created.reserveCapacity(specs.count)
        var last: String?  // the last job run this call put at the place
        var start = specs.startIndex
        while start < specs.endIndex {
            let end = min(start + batchSize, specs.endIndex)
            let batch = specs[start..<end]
            let position = offset + (start - specs.startIndex)
            var sent = placement
            // After a sibling: each batch goes after the last job run of the one before.
            if placement.isAfterSibling, let last { sent.sibling = last }
            let jobRuns: [JSONValue]
            do throws(Failure) {
                jobRuns = try send(batch, at: sent, after: last, position: position, depth: depth)
            } catch {
                var failure = error
                failure.created = created + failure.created
                throw failure
            }
            created += jobRuns
            last = jobRuns.last?["id"]?.stringValue ?? last
            if depth == 0 {
                progressDone += batch.count
                progress?.show(done: progressDone)
            }
            start = end
        }
        return created
    }

    /// Fills in the job runs of `specs` that `present` lacks, each where it
    /// belongs: after the present job run before it, or before the present
    /// one after it, or when none is present at `placement`. Returns one job
    /// run per spec.
    func fill(_ specs: ArraySlice<JSONValue>, present: [JSONValue?], at placement: JobRunPlacement, offset: Int, depth: Int = 0)
        throws(Failure) -> [JSONValue]
    {
        var result = present
        var i = 0
        while i < result.count {
            guard result[i] == nil else {
                i += 1
                continue
            }
            var j = i
            while j < result.count && result[j] == nil { j += 1 }
            var at = placement
            if i > 0, let id = result[i - 1]?["id"]?.stringValue {
                at = JobRunPlacement(sibling: id, group: placement.group, before: false)
            } else if j < result.count, let id = result[j]?["id"]?.stringValue {
                at = JobRunPlacement(sibling: id, group: placement.group, before: true)
            }
            let first = specs.startIndex + i
            let made: [JSONValue]
            do throws(Failure) {
                made = try create(specs[first..<(specs.startIndex + j)], at: at, offset: offset + i, depth: depth)
            } catch {
                var failure = error
                failure.created = result.compactMap { $0 } + failure.created
                throw failure
            }
            for (k, jobRun) in made.enumerated() { result[i + k] = jobRun }
            i = j
        }
        return result.map { $0 ?? .null }
    }

    /// The neighbours of the place `placement` fills, as far as procsh knows
    /// them from before the request: what it created just before, the
    /// sibling, the end of the group, and the view of its last read (which a
    /// failed request has not changed, so this is asked only after one).
    private func bounds(of placement: JobRunPlacement, after last: String?) -> (Bound, Bound) {
        let view = reconciles ? session.view(of: runID)?.bounds(for: placement) : nil
        let lower: Bound
        if placement.isAfterSibling, let sibling = placement.sibling {
            lower = .job(sibling)
        } else if let last {
            lower = .job(last)
        } else {
            lower = view?.lower ?? .unknown
        }
        let upper: Bound
        if placement.isBeforeSibling, let sibling = placement.sibling {
            upper = .job(sibling)
        } else if placement.sibling == nil {
            upper = .end
        } else {
            upper = view?.upper ?? .unknown
        }
        return (lower, upper)
    }

    /// Sends one batch; when its answer is lost, finds out what it did.
    private func send(
        _ batch: ArraySlice<JSONValue>, at placement: JobRunPlacement, after last: String?, position: Int, depth: Int
    ) throws(Failure) -> [JSONValue] {
        let body = JSONValue.array(Array(batch))
        let (runID, placement) = (self.runID, placement)
        let failed = position..<(position + batch.count)
        let answer: JSONValue
        do throws(ProcessesAPIError) {
            answer = try session.send(
                .createJobRuns,
                { client async throws(ProcessesAPIError) in
                    try await client.json.createJobRuns(
                        processRunId: runID, relativeSiblingId: placement.sibling, parentGroupId: placement.group,
                        before: placement.beforeValue, body: body
                    ).value()
                },
                pretend: { JobRunsModule.pretendJobRuns(batch, group: placement.group, session: session) })
        } catch {
            guard reconciles, !session.dryRun, error.mayHaveBeenDone else { throw Failure(error: error, failed: failed) }
            let (lower, upper) = bounds(of: placement, after: last)
            return try reconcile(batch, at: placement, position: position, lower: lower, upper: upper, error: error, depth: depth)
        }
        guard case .array(let jobRuns) = answer, jobRuns.count == batch.count else {
            throw Failure(
                error: ProcessesAPIError(
                    kind: .transport, code: "invalidResponse",
                    message: "the answer is not an array of \(batch.count) job run(s)",
                    request: .init(.createJobRuns, runID),
                    hint: ProcessesAPIError.unknownOutcomeHint),
                failed: failed)
        }
        createdCount += jobRuns.count
        session.noteCreated(
            jobRuns.compactMap { $0["id"]?.stringValue }, in: runID, placement: placement,
            firstOrdinal: jobRuns.first?["ordinal"]?.integerValue.map { Int($0) })
        return jobRuns
    }

    /// Reads the run after `batch`'s answer was lost and sends what it lacks.
    private func reconcile(
        _ batch: ArraySlice<JSONValue>, at placement: JobRunPlacement, position: Int, lower: Bound, upper: Bound,
        error: ProcessesAPIError, depth: Int
    ) throws(Failure) -> [JSONValue] {
        batchNumber += 1
        let failed = position..<(position + batch.count)
        let jobs = batch.count == 1 ? "job \(position + 1)" : "jobs \(position + 1)-\(position + batch.count)"
        guard depth < Self.maximumRounds else {
            throw Failure(error: error, failed: failed, undecided: "the answers for \(jobs) were lost \(depth + 1) times in a row")
        }
        let run: JSONValue
        do throws(ProcessesAPIError) {
            run = try readRun()
        } catch let readError {
            throw Failure(error: error, failed: failed, undecided: "procsh could not read the run to find out (\(readError.message))")
        }
        session.remember(run: run, id: runID)
        let committed = (200..<300).contains(error.status ?? 0)
        let decision = Reconciliation.decide(
            specs: batch, placement: placement, lower: lower, upper: upper, committed: committed, run: run, runID: runID)
        guard case .found(let found) = decision else {
            if case .undecided(let why) = decision { throw Failure(error: error, failed: failed, undecided: why) }
            throw Failure(error: error, failed: failed)
        }
        let present = batch.indices.map { found[$0 - batch.startIndex] }
        let missing = present.filter { $0 == nil }.count
        createdCount += found.count  // the lost request made them
        let fault = Self.summary(error)
        let group = placement.group ?? (placement.sibling == nil ? "the top level" : "the group of \(placement.sibling!)")
        let evidence = "between \(lower.describe(in: group)) and \(upper.describe(in: group))"
        session.logger.info(
            "\(function): \(jobs): \(fault); the read of \(runID) showed \(found.count) of \(batch.count) created \(evidence); \(missing == 0 ? "sent nothing again" : "sending \(missing) again")")
        records.append(.object([
            "batch": .integer(Int64(batchNumber)), "first": .integer(Int64(position + 1)),
            "last": .integer(Int64(position + batch.count)), "fault": .string(fault),
            "found": .integer(Int64(found.count)), "sent": .integer(Int64(missing)),
            "evidence": .string(evidence),
        ]))
        guard missing > 0 else { return present.map { $0 ?? .null } }
        return try fill(batch, present: present, at: placement, offset: position, depth: depth + 1)
    }

    /// The run, read again and again until an answer comes (reads are safe to repeat).
    func readRun() throws(ProcessesAPIError) -> JSONValue {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try session.readProcessRun(runID)
            } catch {
                // A server that let every attempt time out will not answer sooner now: only quick failures are tried again.
                guard error.retryable, error.kind != .timeout, attempt < Self.readAttempts, !Sleep.stopping else { throw error }
                Sleep.seconds(Double(attempt))
            }
        }
    }

    /// An error in one line for logs and records: `HTTP 500 unknown error`.
    static func summary(_ error: ProcessesAPIError) -> String {
        error.code == "answerCut" ? error.message : (error.status.map { "HTTP \($0) " } ?? "") + error.message
    }
}
