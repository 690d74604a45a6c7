/// Statuses, as Workiva's run model relates them: a job run's status is set;
/// a group's is derived from its children's, and the run's from its root
/// group's children (docs/sandbox.md, "Statuses").
enum RunStatus {
    /// The statuses a job run may be given (the five Workiva documents).
    static let known = ["waiting", "running", "cancelling", "complete", "cancelled"]

    /// A group's status from its children's statuses; nil for no children
    /// (an empty group keeps the status it has).
    static func derived(from children: [String]) -> String? {
        guard !children.isEmpty else { return nil }
        if children.contains("cancelling") { return "cancelling" }
        if children.contains("running") { return "running" }
        if children.allSatisfy({ $0 == "cancelled" }) { return "cancelled" }
        if children.allSatisfy({ $0 == "complete" || $0 == "cancelled" }) { return "complete" }
        if children.allSatisfy({ $0 == "waiting" }) { return "waiting" }
        return "running"  // some finished, some still waiting: the work is under way
    }
}
