import Synchronization

/// Draws faults from a plan with a seeded generator, and counts what it injected.
final class FaultInjector: Sendable {
    /// The plan, what each counted rule has left, the generator, the counts.
    private let state: Mutex<(plan: FaultPlan, left: [Int?], rng: SplitMix64, counts: [String: Int])>

    init(plan: FaultPlan, seed: UInt64) {
        state = Mutex((plan, plan.rules.map(\.limit), SplitMix64(seed: seed), [:]))
    }

    /// The faults injected from now on (a counted rule starts its count again).
    var plan: FaultPlan {
        get { state.withLock { $0.plan } }
        set { state.withLock { $0.plan = newValue; $0.left = newValue.rules.map(\.limit) } }
    }

    /// The fault for this request of `operationID`, if any.
    func draw(for operationID: String) -> FaultPlan.Fault? {
        return state.withLock { s in
            guard !s.plan.rules.isEmpty else { return nil }
            let x = s.rng.fraction()
            var edge = 0.0
            for (i, rule) in s.plan.rules.enumerated() where rule.operation == nil || rule.operation == operationID {
                if let left = s.left[i], left <= 0 { continue }
                edge += rule.probability
                if x < edge {
                    if let left = s.left[i] { s.left[i] = left - 1 }
                    s.counts[rule.fault.rawValue, default: 0] += 1
                    return rule.fault
                }
            }
            return nil
        }
    }

    /// How many of each fault were injected.
    var counts: [String: Int] { state.withLock { $0.counts } }
}
