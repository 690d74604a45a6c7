import JSON

/// What procsh knows of a process run's tree from before a request: the
/// children of every group run, in order, as the last read showed them,
/// patched with the job runs procsh created since. It is the evidence that
/// tells job runs that stood somewhere already from those a request whose
/// answer was lost created (docs/lua-api.md, "Exactly once").
struct RunView {
    let runID: String
    /// Child ids of each group run in order; the top level is keyed by the run's id.
    private(set) var children: [String: [String]] = [:]
    /// The group run each child is in.
    private(set) var parent: [String: String] = [:]

    /// The view of `run`, a process run as getProcessRun answers it.
    init(run: JSONValue, id: String) {
        runID = id
        add(children: run["children"]?.arrayValue ?? [], of: id, depth: 0)
    }

    private mutating func add(children nodes: [JSONValue], of group: String, depth: Int) {
        var ids: [String] = []
        ids.reserveCapacity(nodes.count)
        for node in nodes {
            guard let id = node["id"]?.stringValue else { continue }
            ids.append(id)
            parent[id] = group
            // Answers nest at most 1000 levels (the JSON parser's limit); stop well before the stack would.
            if let inner = node["children"]?.arrayValue, depth < 500 { add(children: inner, of: id, depth: depth + 1) }
        }
        children[group] = ids
    }

    /// The group a placement targets: the parent group if given, else the
    /// sibling's group, else the top level. Nil when the view does not hold it.
    func group(for placement: JobRunPlacement) -> String? {
        if let group = placement.group { return children[group] != nil ? group : nil }
        if let sibling = placement.sibling { return parent[sibling] }
        return runID
    }

    /// Where a request with `placement` puts its job runs: the group and the index of the first.
    func insertion(for placement: JobRunPlacement) -> (group: String, index: Int)? {
        guard let group = group(for: placement), let ids = children[group] else { return nil }
        guard let sibling = placement.sibling else { return (group, ids.count) }
        guard let at = ids.firstIndex(of: sibling) else { return nil }
        return (group, placement.before == false ? at + 1 : at)
    }

    /// The neighbours of the place a request with `placement` fills.
    func bounds(for placement: JobRunPlacement) -> (lower: Bound, upper: Bound)? {
        guard let (group, index) = insertion(for: placement), let ids = children[group] else { return nil }
        return (index == 0 ? .start : .job(ids[index - 1]), index == ids.count ? .end : .job(ids[index]))
    }

    /// Records job runs created with `placement`. Returns false when the view
    /// turns out not to match the run (the answer's ordinal is not where the
    /// view put them): the view is then of no use.
    mutating func insert(_ ids: [String], placement: JobRunPlacement, firstOrdinal: Int?) -> Bool {
        guard let (group, index) = insertion(for: placement) else { return false }
        if let firstOrdinal, firstOrdinal != index { return false }
        children[group]!.insert(contentsOf: ids, at: index)
        for id in ids { parent[id] = group }
        return true
    }
}

/// One side of the place a batch of job runs goes: the start or end of the
/// group, a known job run (or group run), or not known.
enum Bound: Equatable, CustomStringConvertible {
    case start
    case end
    case job(String)
    case unknown

    var description: String {
        switch self {
        case .start: return "the start of the group"
        case .end: return "the end of the group"
        case .job(let id): return id
        case .unknown: return "an unknown neighbour"
        }
    }

    /// As messages say it of `group`: `the end of group-review`.
    func describe(in group: String) -> String {
        switch self {
        case .start: return "the start of \(group)"
        case .end: return "the end of \(group)"
        default: return description
        }
    }
}

/// Where job runs go, as createJobRuns' query says it.
struct JobRunPlacement: Equatable {
    var sibling: String?
    var group: String?
    var before: Bool?

    /// `before` as createJobRuns' query gives it (a string, as in Workiva's documentation).
    var beforeValue: String? { before.map { $0 ? "true" : "false" } }

    /// After a sibling: each batch goes after the last job run of the one before.
    var isAfterSibling: Bool { sibling != nil && before == false }
    /// Before a sibling (the API's default when a sibling is given).
    var isBeforeSibling: Bool { sibling != nil && before != false }
}
