#if canImport(Glibc)
import Glibc
#endif
import JSON
import LuaKit
import ProcessesAPI

/// `processruns.wait(run, condition [, opts])`: reads the run again and again
/// until `condition` holds (a status string, or a function of the run that
/// returns true), and returns the run it last read.
extension ProcessRunsModule {
    /// The first delay between reads, and the most it grows to.
    static let defaultInterval = 1.0
    /// What `wait` takes as options.
    static let waitOptions = ["timeout", "interval"]
    static let maximumInterval = 30.0
    static let defaultTimeout = 600.0

    /// What `wait` waits for.
    enum Condition {
        case status(String)
        /// A Lua function, at this stack index.
        case function(Int32)

        /// As the timeout error says it.
        func describe(_ runID: String) -> String {
            switch self {
            case .status(let status): return "process run \(runID) to be \(status)"
            case .function: return "the condition function to return true for process run \(runID)"
            }
        }
    }

    static func wait(_ args: CallArguments, session: APISession) throws -> Int32 {
        let stack = args.stack
        let id = try args.id(1, name: "run", what: "a process run")
        let condition: Condition
        switch stack.type(at: 2) {
        case .string:
            guard let status = stack.string(at: 2), !status.isEmpty else {
                throw args.invalid("condition", "a status must not be empty (such as \"complete\")", code: .emptyValue)
            }
            condition = .status(status)
        case .function:
            condition = .function(2)
        default:
            throw args.invalid(
                "condition", "expected a status (such as \"complete\") or a function of the run that returns true, got \(args.describe(2))")
        }
        let opts = try args.options(3, name: "opts", allowed: waitOptions)
        let timeout = try seconds(opts, "timeout", args, allowZero: true) ?? defaultTimeout
        let interval = try seconds(opts, "interval", args, allowZero: false) ?? defaultInterval
        let cap = max(interval, maximumInterval)

        let end = now() + timeout
        var delay = interval
        var polls = 0
        var last: JSONAnswer?
        while true {
            polls += 1
            let answer: JSONAnswer
            switch read(id, session) {
            case .success(let value):
                answer = value
            case .failure(let failure) where failure.stoppedTheRun:
                // Ctrl-C or --timeout came during a read: the wait ends as it does in a pause.
                throw ScriptError(APISession.stopped(
                    failure.code == "interrupted" ? .signal : .deadline, during: failure.request, what: waiting(for: id)))
            case .failure(let failure):
                // The server said when to ask again: wait that long if the time allows.
                guard failure.retryable, let pause = failure.retryAfter, now() + pause <= end else { throw ScriptError(failure) }
                try pauseFor(pause, id)
                continue
            }
            try answer.push(onto: stack)
            session.remember(run: answer, id: id)
            last = answer
            if try holds(condition, stack) { return 1 }
            stack.pop()
            let left = end - now()
            if left <= 0 {
                throw timeoutError(condition.describe(id), timeout: timeout, polls: polls, last: try? last?.value(), id: id)
            }
            try pauseFor(min(delay, left), id)
            // Longer each time, with jitter (so that many waiters spread out), up to the cap.
            delay = min(delay * Double.random(in: 1.3...1.7), cap)
        }
    }

    /// One read of the run.
    private static func read(_ id: String, _ session: APISession) -> Result<JSONAnswer, ProcessesAPIError> {
        do throws(ProcessesAPIError) {
            return .success(try session.processRunAnswer(id))
        } catch {
            return .failure(error)
        }
    }

    /// Whether the run on top of the stack meets `condition` (the run stays).
    private static func holds(_ condition: Condition, _ stack: LuaStack) throws -> Bool {
        switch condition {
        case .status(let status):
            defer { stack.pop() }
            return stack.rawGet(-1, key: "status") == .string && stack.string(at: -1) == status
        case .function(let index):
            stack.pushValue(at: index)
            stack.pushValue(at: -2)
            try stack.call(arguments: 1, results: 1)
            defer { stack.pop() }
            return stack.bool(at: -1)
        }
    }

    /// Sleeps; Ctrl-C and the run's time limit (`--timeout`) end the wait as they end an API call.
    private static func pauseFor(_ seconds: Double, _ id: String) throws(ScriptError) {
        Sleep.seconds(seconds)
        guard let interruption = Blocking.pendingInterruption() else { return }
        throw ScriptError(Blocking.stop(interruption) {
            APISession.stopped($0, during: nil, what: waiting(for: id))
        })
    }

    private static func waiting(for id: String) -> String { "processruns.wait was waiting for process run \(id)" }

    /// `opts[key]`: a number of seconds (0 or more, or more than 0).
    private static func seconds(
        _ opts: [String: JSONValue], _ key: String, _ args: CallArguments, allowZero: Bool
    ) throws(ScriptError) -> Double? {
        guard let value = opts[key], value != .null else { return nil }
        let field = JSONPath.member("opts", key)
        let number: Double
        switch value {
        case .integer(let i): number = Double(i)
        case .double(let d): number = d
        default: throw args.invalid(field, "expected a number of seconds, got \(ValidationError.describe(value))")
        }
        guard number.isFinite, allowZero ? number >= 0 : number > 0 else {
            throw args.invalid(
                field, "\(ValidationError.describe(value)) is not a number of seconds \(allowZero ? "0 or more" : "more than 0")",
                code: .invalidValue)
        }
        return number
    }

    /// The `timeout` error: what it waited for, and what it last saw.
    private static func timeoutError(_ what: String, timeout: Double, polls: Int, last: JSONValue?, id: String) -> ScriptError {
        let status = last?["status"]?.stringValue
        var seen = "status \(status ?? "(none)")"
        if let counts = last?["statusCounts"]?.objectValue, !counts.isEmpty {
            let parts = counts.keys.sorted().map { "\($0)=\(counts[$0]?.integerText ?? "?")" }
            seen += ", job runs " + parts.joined(separator: ", ")
        }
        let reads = polls == 1 ? "1 read" : "\(polls) reads"
        var meta: [String: JSONValue] = ["timeout": .double(timeout), "polls": .integer(Int64(polls))]
        if let status { meta["lastStatus"] = .string(status) }
        let error = ProcessesAPIError(
            kind: .timeout, code: "waitTimeout",
            message: "processruns.wait gave up after \(text(timeout)) s (\(reads)) waiting for \(what); last seen: \(seen)",
            meta: .object(meta), request: .init(.getProcessRun, id))
        return ScriptError(error, extra: last.map { [(key: "run", value: $0)] } ?? [])
    }

    /// Seconds as messages show them: 600, 0.5.
    private static func text(_ seconds: Double) -> String {
        seconds == seconds.rounded() && abs(seconds) < 1e15 ? String(Int64(seconds)) : String(seconds)
    }

    /// Monotonic seconds.
    private static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }
}

extension JSONValue {
    /// An integer as text (a count in a message).
    fileprivate var integerText: String? {
        switch self {
        case .integer(let i): return String(i)
        case .double(let d): return String(d)
        default: return nil
        }
    }
}
