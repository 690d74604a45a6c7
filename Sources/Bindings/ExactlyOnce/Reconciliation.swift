import JSON

/// Decides, from a read of the run made after a batch's answer was lost,
/// which of the batch's job runs the lost request created. It never guesses:
/// when the read cannot tell new job runs from ones that stood there already,
/// the decision says why.
enum Reconciliation {
    enum Decision {
        /// The job runs of the batch the read shows, by position in the batch
        /// (all, some, or none of them).
        case found([Int: JSONValue])
        /// The read cannot settle it; the reason, in words.
        case undecided(String)
    }

    /// The batch `specs` went to the place between `lower` and `upper` in the
    /// group `placement` targets. `committed` is true when the server's
    /// status said it did the work (a 2xx whose body was lost).
    static func decide(
        specs: ArraySlice<JSONValue>, placement: JobRunPlacement, lower: Bound, upper: Bound, committed: Bool,
        run: JSONValue, runID: String
    ) -> Decision {
        let specs = Array(specs)
        guard let (groupName, children) = group(of: placement, in: run, runID: runID) else {
            let missing = placement.group ?? placement.sibling ?? runID
            return .undecided("\(missing) is not in the run any more, so the place the job runs went cannot be found")
        }
        let ids = children.map { $0["id"]?.stringValue }
        let (lowerName, upperName) = (lower.describe(in: groupName), upper.describe(in: groupName))
        func index(_ bound: Bound) -> Int?? {
            switch bound {
            case .start: return .some(-1)
            case .end: return .some(children.count)
            case .unknown: return .some(nil)
            case .job(let id): return ids.firstIndex(of: id).map { .some($0) } ?? nil
            }
        }
        guard let lo = index(lower) else { return .undecided("\(lower) is not in \(groupName) any more") }
        guard let up = index(upper) else { return .undecided("\(upper) is not in \(groupName) any more") }
        switch (lo, up) {
        case (let lo?, let up?):
            // Both neighbours known: what stands between them is the batch, or part of it, or nothing.
            guard lo < up else { return .undecided("\(lowerName) no longer stands before \(upperName)") }
            let window = Array(children[(lo + 1)..<up])
            guard let found = align(window, with: specs) else {
                return .undecided(
                    "between \(lowerName) and \(upperName) stand \(window.count) job run(s) that are not the batch's: the run was changed there while procsh was creating, so it cannot tell which are its own")
            }
            if committed && found.count < specs.count {
                return .undecided("the server said it created the batch, but only \(found.count) of its \(specs.count) job runs stand between \(lowerName) and \(upperName)")
            }
            return .found(found)
        case (let lo?, nil):
            // Only the job run before the place is known: a created batch starts right after it.
            return oneSided(Array(children[(lo + 1)...]), specs: specs, committed: committed, place: "after \(lowerName)")
        case (nil, let up?):
            // Only the job run after the place is known: a created batch ends right before it.
            let before = Array(children[..<up].reversed())
            switch oneSided(before, specs: Array(specs.reversed()), committed: committed, place: "before \(upperName)") {
            case .found(let reversed):
                return .found(Dictionary(uniqueKeysWithValues: reversed.map { (specs.count - 1 - $0.key, $0.value) }))
            case let undecided:
                return undecided
            }
        case (nil, nil):
            return .undecided("procsh knows neither neighbour of the place in \(groupName)")
        }
    }

    /// The batch's place has one known neighbour; `adjacent` lists the
    /// children going away from it, `specs` in the same direction.
    private static func oneSided(_ adjacent: [JSONValue], specs: [JSONValue], committed: Bool, place: String) -> Decision {
        if committed {
            // The server said it created them all: they are the ones next to the known neighbour.
            guard adjacent.count >= specs.count,
                zip(adjacent, specs).allSatisfy({ JobMatching.matches($0, $1) })
            else {
                return .undecided("the server said it created the batch, but the job runs \(place) are not the batch's")
            }
            return .found(Dictionary(uniqueKeysWithValues: adjacent.prefix(specs.count).enumerated().map { ($0.offset, $0.element) }))
        }
        // Whatever part of the batch was created, its first job run stands next to the neighbour.
        guard let next = adjacent.first, specs.contains(where: { JobMatching.matches(next, $0) }) else { return .found([:]) }
        return .undecided(
            "the job runs \(place) look like the batch's, and procsh had not read the run before sending it, so it cannot tell whether they were there already (read the run first with processruns.get, or use jobruns.ensure)")
    }

    /// Matches each job run of `window` to a spec, in order; nil when one
    /// matches none (it is not the batch's).
    static func align(_ window: [JSONValue], with specs: [JSONValue]) -> [Int: JSONValue]? {
        var found: [Int: JSONValue] = [:]
        var next = 0
        for jobRun in window {
            while next < specs.count && !JobMatching.matches(jobRun, specs[next]) { next += 1 }
            guard next < specs.count else { return nil }
            found[next] = jobRun
            next += 1
        }
        return found
    }

    /// The group run `placement` targets in `run`, named for messages, with its children.
    static func group(of placement: JobRunPlacement, in run: JSONValue, runID: String) -> (String, [JSONValue])? {
        if let group = placement.group {
            return find(group, in: run, depth: 0).map { (group, $0["children"]?.arrayValue ?? []) }
        }
        if let sibling = placement.sibling {
            guard let parent = parent(of: sibling, in: run, depth: 0) else { return nil }
            let name = parent["id"]?.stringValue.map { $0 == runID ? "the top level" : $0 } ?? "the top level"
            return (name, parent["children"]?.arrayValue ?? [])
        }
        return ("the top level", run["children"]?.arrayValue ?? [])
    }

    private static func find(_ id: String, in node: JSONValue, depth: Int) -> JSONValue? {
        guard depth < 500, let children = node["children"]?.arrayValue else { return nil }
        for child in children {
            if child["id"]?.stringValue == id { return child }
            if let found = find(id, in: child, depth: depth + 1) { return found }
        }
        return nil
    }

    private static func parent(of id: String, in node: JSONValue, depth: Int) -> JSONValue? {
        guard depth < 500, let children = node["children"]?.arrayValue else { return nil }
        for child in children {
            if child["id"]?.stringValue == id { return node }
            if let found = parent(of: id, in: child, depth: depth + 1) { return found }
        }
        return nil
    }
}
