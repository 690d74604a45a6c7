import Foundation
import Synchronization

/// Faults the sandbox injects so clients can prove how they cope:
/// `--faults 503=0.1,429=0.05,reset=0.02,latency=20ms,500-after-commit=0.02`.
///
/// "Before" faults (`503`, `429`, `500`, `reset`) answer without doing the work:
/// no state changes. "After-commit" faults (`500-after-commit`,
/// `reset-after-commit`) do the work, then fail the answer, so the client cannot
/// know it happened. `latency` delays every request. Probabilities are per
/// request, drawn from a generator seeded by `--fault-seed` for reproducible runs.
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

    /// Each fault with its probability, in the order they are drawn.
    public var faults: [(Fault, Double)]
    public var latency: Double = 0

    public init(faults: [(Fault, Double)] = [], latency: Double = 0) {
        self.faults = faults
        self.latency = latency
    }

    public static func == (a: FaultPlan, b: FaultPlan) -> Bool {
        a.latency == b.latency && a.faults.map(\.0) == b.faults.map(\.0) && a.faults.map(\.1) == b.faults.map(\.1)
    }

    public var description: String {
        (faults.map { "\($0.0.rawValue)=\($0.1)" } + (latency > 0 ? ["latency=\(Int(latency * 1000))ms"] : [])).joined(separator: ",")
    }

    /// Parses `name=probability,...` and `latency=DURATION` (`20ms`, `1.5s`).
    public init(parsing spec: String) throws {
        self.init()
        for item in spec.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !item.isEmpty {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw FaultSpecError("'\(item)' is not name=value") }
            let (name, value) = (parts[0], parts[1])
            if name == "latency" {
                guard let seconds = Self.duration(value) else {
                    throw FaultSpecError("latency '\(value)' is not a duration from 0 to a day, such as 20ms or 1.5s")
                }
                latency = seconds
                continue
            }
            guard let fault = Fault(rawValue: name) else {
                throw FaultSpecError("unknown fault '\(name)'; known: \(Fault.allCases.map(\.rawValue).joined(separator: ", ")), latency")
            }
            guard let p = Double(value), (0...1).contains(p) else {
                throw FaultSpecError("probability '\(value)' of \(name) is not a number from 0 to 1")
            }
            faults.append((fault, p))
        }
        let total = faults.map(\.1).reduce(0, +)
        if total > 1 { throw FaultSpecError("the probabilities add up to \(total), more than 1") }
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

/// A `--faults` value that cannot be used.
public struct FaultSpecError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// Draws faults from a plan with a seeded generator, and counts what it injected.
final class FaultInjector: Sendable {
    private let state: Mutex<(plan: FaultPlan, rng: SplitMix64, counts: [String: Int])>

    init(plan: FaultPlan, seed: UInt64) {
        state = Mutex((plan, SplitMix64(seed: seed), [:]))
    }

    /// The faults injected from now on.
    var plan: FaultPlan {
        get { state.withLock { $0.plan } }
        set { state.withLock { $0.plan = newValue } }
    }

    /// The fault for this request, if any.
    func draw() -> FaultPlan.Fault? {
        return state.withLock { s in
            guard !s.plan.faults.isEmpty else { return nil }
            let x = Double(s.rng.next() >> 11) / Double(1 << 53)
            var edge = 0.0
            for (fault, p) in s.plan.faults {
                edge += p
                if x < edge {
                    s.counts[fault.rawValue, default: 0] += 1
                    return fault
                }
            }
            return nil
        }
    }

    /// How many of each fault were injected.
    var counts: [String: Int] { state.withLock { $0.counts } }
}

/// A small, fast, seedable generator (Steele, Lea and Flood's SplitMix64).
struct SplitMix64: RandomNumberGenerator, Sendable {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
