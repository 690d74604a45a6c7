import JSON

/// Whether a job run is the one a job spec describes.
enum JobMatching {
    /// A job run matches a spec when it has the spec's action and trigger and
    /// every argument the spec gives, with the same value. The server may add
    /// members of its own (ids, statuses, metadata); those do not count.
    static func matches(_ jobRun: JSONValue, _ spec: JSONValue) -> Bool {
        guard jobRun["action"] == spec["action"] else { return false }
        let trigger = spec["triggerType"] ?? .string("whenEligible")
        if let actual = jobRun["triggerType"], actual != .null, actual != trigger { return false }
        return contains(jobRun["arguments"] ?? .null, spec["arguments"] ?? .null)
    }

    /// Whether `whole` holds every member of `part`, recursively, with equal values.
    static func contains(_ whole: JSONValue, _ part: JSONValue) -> Bool {
        switch (whole, part) {
        case (.object(let w), .object(let p)):
            return p.allSatisfy { key, value in w[key].map { contains($0, value) } ?? false }
        case (.integer(let a), .double(let b)), (.double(let b), .integer(let a)):
            return Double(a) == b
        default:
            return whole == part
        }
    }

    /// The action's arguments: `arguments.<action>Args`.
    static func actionArguments(_ job: JSONValue) -> JSONValue? {
        guard let action = job["action"]?.stringValue else { return nil }
        return job["arguments"]?["\(action)Args"]
    }

    /// `jobruns.ensure`'s default key: the action and the title, and for a
    /// content request also the document and the section. Nil for a job run
    /// without a title (certification steps): it never counts as present.
    static func defaultKey(_ job: JSONValue) -> String? {
        guard let action = job["action"]?.stringValue, let args = actionArguments(job),
            let title = args["title"]?.stringValue
        else { return nil }
        var parts = [action, title]
        if action == "contentRequest" {
            parts.append(args["document"]?.stringValue ?? "")
            parts.append(args["section"]?.stringValue ?? "")
        }
        // The unit separator never appears in a title typed by a person.
        return parts.joined(separator: "\u{1F}")
    }

    /// A key as messages show it.
    static func show(_ key: String) -> String {
        key.split(separator: "\u{1F}", omittingEmptySubsequences: false).map { "'\($0)'" }.joined(separator: " ")
    }
}
