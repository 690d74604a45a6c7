import Foundation

/// Faults the sandbox injects so clients can prove how they cope:
/// `--faults 503=0.1,429=0.05,reset=0.02,latency=20ms,500-after-commit=0.02`.
///
/// "Before" faults (`503`, `429`, `500`, `reset`) answer without doing the work:
/// no state changes. "After-commit" faults (`500-after-commit`,
/// `reset-after-commit`) do the work, then fail the answer, so the client cannot
/// know it happened. `latency` delays every request. Probabilities are per
/// request, drawn from a generator seeded by `--fault-seed` for reproducible runs.
/// A fault may be kept to one operation (`500-after-commit@createJobRuns=0.3`)
/// and to its first N draws (`reset@getProcessRun=1x2`: the next two reads).
/// The token endpoint gets no faults.
public struct FaultPlan: Sendable, Equatable, CustomStringConvertible {
    public enum Fault: String, Sendable, CaseIterable {
        case serviceUnavailable = "503"
        case tooManyRequests = "429"
        case serverError = "500"
        case reset = "reset"
        case serverErrorAfterCommit = "500-after-commit"
        case resetAfterCommit = "reset-after-commit"

        var afterCommit: Bool { self == .serverErrorAfterCommit || self == .resetAfterCommit }
    }

    /// One fault of the plan: how likely, for which operation, how many times.
    public struct Rule: Sendable, Equatable {
        public var fault: Fault
        public var probability: Double
        /// The operation id it is kept to (nil: every operation).
        public var operation: String?
        /// How many times it may be injected (nil: no limit).
        public var limit: Int?

        public init(_ fault: Fault, _ probability: Double, operation: String? = nil, limit: Int? = nil) {
            (self.fault, self.probability, self.operation, self.limit) = (fault, probability, operation, limit)
        }

        var description: String {
            fault.rawValue + (operation.map { "@\($0)" } ?? "") + "=\(probability)" + (limit.map { "x\($0)" } ?? "")
        }
    }

    /// The faults, in the order they are drawn.
    public var rules: [Rule]
    public var latency: Double = 0

    public init(rules: [Rule] = [], latency: Double = 0) {
        self.rules = rules
        self.latency = latency
    }

    /// Whether any fault or latency is planned.
    public var isEmpty: Bool { rules.isEmpty && latency == 0 }

    public var description: String {
        (rules.map(\.description) + (latency > 0 ? ["latency=\(Int(latency * 1000))ms"] : [])).joined(separator: ",")
    }

    /// Parses `name[@operation]=probability[xCOUNT],...` and `latency=DURATION` (`20ms`, `1.5s`).
    public init(parsing spec: String) throws {
        self.init()
        for item in spec.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !item.isEmpty {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw FaultSpecError("'\(item)' is not name=value") }
            let (target, value) = (parts[0], parts[1])
            if target == "latency" {
                guard let seconds = Self.duration(value) else {
                    throw FaultSpecError("latency '\(value)' is not a duration from 0 to a day, such as 20ms or 1.5s")
                }
                latency = seconds
                continue
            }
            let scoped = target.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            let name = scoped[0]
            guard let fault = Fault(rawValue: name) else {
                throw FaultSpecError("unknown fault '\(name)'; known: \(Fault.allCases.map(\.rawValue).joined(separator: ", ")), latency")
            }
            var operation: String?
            if scoped.count == 2 {
                guard !scoped[1].isEmpty, scoped[1].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
                    throw FaultSpecError("'\(target)': after '@' comes an operation id such as createJobRuns")
                }
                operation = scoped[1]
            }
            let counted = value.split(separator: "x", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard let p = Double(counted[0]), (0...1).contains(p) else {
                throw FaultSpecError("probability '\(counted[0])' of \(target) is not a number from 0 to 1")
            }
            var limit: Int?
            if counted.count == 2 {
                guard let n = Int(counted[1]), n > 0 else {
                    throw FaultSpecError("'\(value)' of \(target): after 'x' comes how many times, a whole number above 0")
                }
                limit = n
            }
            rules.append(Rule(fault, p, operation: operation, limit: limit))
        }
        // Rules for different operations never compete; the uncounted ones that may meet one request must
        // add up to at most 1. Counted rules are drawn in their order while they last.
        let operations = Set(rules.compactMap(\.operation))
        for operation in operations.map(Optional.some) + [nil] {
            let total = rules.filter { $0.limit == nil && ($0.operation == nil || $0.operation == operation) }
                .map(\.probability).reduce(0, +)
            if total > 1 + 1e-9 {
                throw FaultSpecError(
                    "the probabilities\(operation.map { " for \($0)" } ?? "") add up to \(total), more than 1")
            }
        }
    }

    /// Seconds from `20ms`, `1.5s` or a bare number of milliseconds: plain
    /// decimal, from 0 to a day (no `inf`, no hexadecimal).
    static func duration(_ text: String) -> Double? {
        func number(_ digits: Substring) -> Double? {
            guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }) else { return nil }
            return Double(digits)
        }
        let seconds: Double?
        if text.hasSuffix("ms") {
            seconds = number(text.dropLast(2)).map { $0 / 1000 }
        } else if text.hasSuffix("s") {
            seconds = number(text.dropLast())
        } else {
            seconds = number(text[...]).map { $0 / 1000 }  // bare numbers are milliseconds
        }
        guard let seconds, seconds <= maximumLatency else { return nil }
        return seconds
    }

    /// The longest latency fault: a day.
    static let maximumLatency: Double = 86_400
}
