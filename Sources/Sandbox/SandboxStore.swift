import Foundation
import JSON
import ProcessesAPI
import Synchronization

/// The sandbox's state: processes, process runs with their trees, principals,
/// documents and OAuth clients. One lock guards it all, so every operation is
/// atomic: concurrent creates never lose or duplicate children, and ordinals
/// (positions in a group's child list) stay contiguous 0..n-1.
public final class SandboxStore: Sendable {
    private let state: Mutex<State>
    private let seed: Seed
    /// Goes up with every change (and every reset): an answer read at one
    /// revision is still right while the revision is the same.
    private let changes = Atomic<UInt64>(0)

    public init(seed: Seed) {
        self.seed = seed
        state = Mutex(State(seed: seed))
    }

    /// Back to the seed: every change since start (or the last reset) is dropped.
    public func reset() {
        state.withLock {
            $0 = State(seed: seed)
            changes.add(1, ordering: .releasing)
        }
    }

    /// The store's revision (see `changes`).
    public var revision: UInt64 { changes.load(ordering: .acquiring) }

    /// The current state in the seed format.
    public func export() -> Seed {
        state.withLock { $0.export() }
    }

    func withState<R>(_ body: (inout State) throws(SandboxError) -> R) throws(SandboxError) -> R {
        try state.withLock { (s: inout State) throws(SandboxError) -> R in
            changes.add(1, ordering: .releasing)  // before the change: a reader racing it sees a new revision
            return try body(&s)
        }
    }

    func read<R>(_ body: (State) -> R) -> R {
        state.withLock { body($0) }
    }

    /// A read that may fail (the revision stays).
    func read<R>(_ body: (State) throws(SandboxError) -> R) throws(SandboxError) -> R {
        try state.withLock { (s: inout State) throws(SandboxError) -> R in try body(s) }
    }
}

/// A group of a run: its children's ids in order (a child's ordinal is its index).
struct GroupRecord: Sendable {
    var id: String
    var name: String?
    var parallel: Bool
    var readOnly: Bool
    var status: String?
    var triggerType: String?
    var children: [String]
}

/// A job run.
struct JobRecord: Sendable {
    var id: String
    var name: String?
    var action: String
    var arguments: Components.Schemas.JobRunArguments?
    var triggerType: String?
    var status: String?
}

/// One process run: its groups and jobs by id, the group each child sits in,
/// and the root group (`rootID`), whose children are the run's top level.
struct RunRecord: Sendable {
    static let rootID = ""

    var id: String
    var processID: String?
    var name: String?
    var status: String
    var created: Date?
    var groups: [String: GroupRecord] = [:]
    var jobs: [String: JobRecord] = [:]
    var parentOf: [String: String] = [:]

    var root: GroupRecord { groups[Self.rootID]! }

    init(id: String, processID: String?, name: String?, status: String, created: Date?, children: [Seed.Node]) {
        self.id = id
        self.processID = processID
        self.name = name
        self.status = status
        self.created = created
        groups[Self.rootID] = GroupRecord(id: Self.rootID, parallel: false, readOnly: false, children: [])
        add(children, to: Self.rootID)
    }

    /// Adds seed nodes (and their subtrees) at the end of a group.
    mutating func add(_ nodes: [Seed.Node], to group: String) {
        for node in nodes {
            groups[group]!.children.append(node.id)
            parentOf[node.id] = group
            if node.isGroup {
                groups[node.id] = GroupRecord(
                    id: node.id, name: node.name, parallel: node.parallel ?? false, readOnly: node.readOnly ?? false,
                    status: node.status, triggerType: node.triggerType, children: [])
                add(node.children ?? [], to: node.id)
            } else {
                jobs[node.id] = JobRecord(
                    id: node.id, name: node.name, action: node.action!, arguments: node.arguments,
                    triggerType: node.triggerType, status: node.status)
            }
        }
    }

    /// The seed nodes of a group's children.
    func nodes(of group: String) -> [Seed.Node] {
        groups[group]!.children.map { id in
            if let g = groups[id] {
                return Seed.Node(
                    id: id, name: g.name, triggerType: g.triggerType, status: g.status, parallel: g.parallel,
                    readOnly: g.readOnly, children: nodes(of: id))
            }
            let j = jobs[id]!
            return Seed.Node(id: id, name: j.name, action: j.action, arguments: j.arguments, triggerType: j.triggerType, status: j.status)
        }
    }

    var isClosed: Bool { status == "complete" || status == "cancelled" }
}

/// Everything, under the store's lock.
struct State: Sendable {
    var principals: [String: Seed.Principal]
    var documents: [String: Seed.Document]
    var clients: [String: Seed.Client]
    var processes: [Seed.Process]
    var runs: [String: RunRecord]
    /// Run ids in creation order (for export).
    var runOrder: [String]
    /// Numbers new ids: `jobrun-1`, `run-1`, `process-1`, ...
    var counter = 0

    init(seed: Seed) {
        principals = Dictionary(seed.principals.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        documents = Dictionary(seed.documents.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        clients = Dictionary(seed.clients.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        processes = seed.processes
        runs = [:]
        runOrder = []
        for run in seed.processRuns {
            runs[run.id] = RunRecord(
                id: run.id, processID: run.processId, name: run.name, status: run.status, created: run.created, children: run.children)
            runOrder.append(run.id)
        }
    }

    /// A new id with `prefix`, unused in every run.
    mutating func newID(_ prefix: String) -> String {
        counter += 1
        return "\(prefix)-\(counter)"
    }

    func export() -> Seed {
        Seed(
            principals: principals.values.sorted { $0.id < $1.id },
            documents: documents.values.sorted { $0.id < $1.id },
            clients: clients.values.sorted { $0.id < $1.id },
            processes: processes,
            processRuns: runOrder.compactMap { runs[$0] }.map { run in
                Seed.ProcessRun(
                    id: run.id, processId: run.processID, name: run.name, status: run.status, created: run.created,
                    children: run.nodes(of: RunRecord.rootID))
            })
    }
}

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

extension RunRecord {
    /// A child's status as its parent sees it (a job run without one is waiting).
    func status(of child: String) -> String {
        groups[child].map { $0.status ?? "waiting" } ?? jobs[child]?.status ?? "waiting"
    }

    /// Derives the status of every group from `group` up, and then the run's.
    mutating func deriveStatuses(from group: String) {
        var current: String? = group
        while let id = current {
            if let status = RunStatus.derived(from: groups[id]!.children.map { self.status(of: $0) }) {
                if id == Self.rootID { self.status = status } else { groups[id]!.status = status }
            }
            current = id == Self.rootID ? nil : parentOf[id]
        }
    }
}
