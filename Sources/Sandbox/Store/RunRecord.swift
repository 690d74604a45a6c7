import Foundation

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

extension RunRecord {
    /// The run as a process's `run` member shows it: `$orderBy` names
    /// `run.created.dateTime`, so the member is an object with `created`; the
    /// sandbox gives it the run's own members without its tree (id, name,
    /// status, created), as docs/sandbox.md says. No user: the sandbox does
    /// not record who started a run.
    var summary: [String: (any Sendable)?] {
        var members: [String: (any Sendable)?] = ["id": id, "status": status]
        if let name { members["name"] = name }
        if let created { members["created"] = ["dateTime": Date.ISO8601FormatStyle().format(created)] as [String: (any Sendable)?] }
        return members
    }
}
