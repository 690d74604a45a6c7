import Foundation
import JSON
import OpenAPIRuntime
import ProcessesAPI

extension SandboxStore {
    /// One page of processes: `$filter` (`name contains '...'`, `name eq '...'`),
    /// `$orderBy` (`name`, `dueDate`, `run.created.dateTime`, each optionally
    /// `asc`/`desc`; default `run.created.dateTime desc`), `$maxpagesize` 1...1000
    /// (default 1000), `$next` from the previous page's `@nextLink`.
    func listProcesses(filter: String?, orderBy: String?, pageSize: Int?, next: String?) throws(SandboxError) -> Components.Schemas.ProcessList {
        let size = pageSize ?? 1000
        guard (1...1000).contains(size) else {
            throw .invalid("invalidParameter", "$maxpagesize must be between 1 and 1000", target: "$maxpagesize")
        }
        let offset: Int
        if let next {
            guard let n = Int(next), n >= 0 else { throw .invalid("invalidParameter", "$next is not a token this server issued", target: "$next") }
            offset = n
        } else {
            offset = 0
        }
        let matches = try Self.filter(filter)
        let (processes, latest) = read { ($0.processes, Self.latestRuns(in: $0)) }
        let order = try Self.order(orderBy, latestRuns: latest)
        let all = processes.filter(matches).sorted(by: order)
        let page = all.dropFirst(offset).prefix(size)
        var nextLink: String?
        if offset + page.count < all.count {
            var components = URLComponents()
            components.path = APIOperation.listProcesses.path
            components.queryItems = [
                URLQueryItem(name: ListProcessesQuery.next.rawValue, value: String(offset + page.count)),
                URLQueryItem(name: ListProcessesQuery.maxpagesize.rawValue, value: String(size)),
            ]
                + (filter.map { [URLQueryItem(name: ListProcessesQuery.filter.rawValue, value: $0)] } ?? [])
                + (orderBy.map { [URLQueryItem(name: ListProcessesQuery.orderBy.rawValue, value: $0)] } ?? [])
            nextLink = components.string
        }
        return .init(data: page.map { $0.response(latestRun: latest[$0.id]) }, nextLink: nextLink)
    }

    /// The `$filter` forms the sandbox understands.
    static func filter(_ text: String?) throws(SandboxError) -> @Sendable (Seed.Process) -> Bool {
        guard let text, !text.trimmingCharacters(in: .whitespaces).isEmpty else { return { _ in true } }
        let pattern = /^\s*name\s+(contains|eq)\s+'((?:[^']|'')*)'\s*$/
        guard let match = try? pattern.ignoresCase().wholeMatch(in: text) else {
            throw .invalid(
                "invalidFilter", "unsupported $filter \"\(text)\": the sandbox understands name contains '...' and name eq '...'",
                target: "$filter")
        }
        let value = String(match.2).replacingOccurrences(of: "''", with: "'").lowercased()
        if match.1.lowercased() == "eq" { return { $0.name.lowercased() == value } }
        return { $0.name.lowercased().contains(value) }
    }

    /// The `$orderBy` forms the sandbox understands. `run.created.dateTime` is
    /// the creation time of the process's latest run (`latestRuns`); a process
    /// never run sorts as if its run were older than every other.
    static func order(
        _ text: String?, latestRuns: [String: RunRecord] = [:]
    ) throws(SandboxError) -> @Sendable (Seed.Process, Seed.Process) -> Bool {
        let words = (text ?? "run.created.dateTime desc").split(separator: " ").map { $0.lowercased() }
        guard (1...2).contains(words.count), words.count == 1 || ["asc", "desc"].contains(words[1]) else {
            throw .invalid("invalidOrderBy", "unsupported $orderBy \"\(text ?? "")\"", target: "$orderBy")
        }
        let descending = words.count == 2 && words[1] == "desc"
        let ascending: @Sendable (Seed.Process, Seed.Process) -> Bool
        switch words[0] {
        case "name":
            ascending = { a, b in (a.name, a.id) < (b.name, b.id) }
        case "duedate":
            ascending = { a, b in (a.dueDate ?? "", a.id) < (b.dueDate ?? "", b.id) }
        case "run.created.datetime":
            let created = latestRuns.mapValues { $0.created ?? .distantPast }
            ascending = { a, b in (created[a.id] ?? .distantPast, a.id) < (created[b.id] ?? .distantPast, b.id) }
        default:
            throw .invalid(
                "invalidOrderBy", "unsupported $orderBy \"\(text ?? "")\": use name, dueDate or run.created.dateTime, then asc or desc",
                target: "$orderBy")
        }
        if descending {
            return { a, b in ascending(b, a) }
        }
        return ascending
    }

    func process(id: String, excludingGenerated: Bool = false) throws(SandboxError) -> Components.Schemas.Process {
        let found = read { state in state.processes.first { $0.id == id }.map { ($0, Self.latestRun(of: id, in: state)) } }
        guard let (process, run) = found else {
            throw .notFound("Could not find process id \(id)", target: "processId")
        }
        return process.response(excludingGenerated: excludingGenerated, latestRun: run)
    }

    /// The latest run of each process that has one, by process id.
    static func latestRuns(in state: State) -> [String: RunRecord] {
        var latest: [String: (run: RunRecord, order: Int)] = [:]
        for (order, id) in state.runOrder.enumerated() {
            guard let run = state.runs[id], let process = run.processID else { continue }
            if let current = latest[process], !isLater(run, order, than: current.run, current.order) { continue }
            latest[process] = (run, order)
        }
        return latest.mapValues(\.run)
    }

    /// The latest run of one process, or nil if it was never run.
    static func latestRun(of processID: String, in state: State) -> RunRecord? {
        var latest: (run: RunRecord, order: Int)?
        for (order, id) in state.runOrder.enumerated() {
            guard let run = state.runs[id], run.processID == processID else { continue }
            if let current = latest, !isLater(run, order, than: current.run, current.order) { continue }
            latest = (run, order)
        }
        return latest?.run
    }

    /// Later by creation time; runs created at the same time (or without one) by the order they came.
    private static func isLater(_ run: RunRecord, _ order: Int, than other: RunRecord, _ otherOrder: Int) -> Bool {
        let (a, b) = (run.created ?? .distantPast, other.created ?? .distantPast)
        return a != b ? a > b : order > otherOrder
    }

    /// Creates a process from its definition (Workiva's createProcess shape:
    /// the options, and the tree under `root`). Its jobs are checked as
    /// createJobRuns checks them once their users (plain ids there) are read as
    /// user principals. The root's children become the process's top level.
    func createProcess(_ definition: Components.Schemas.ProcessCreate) throws(SandboxError) -> Components.Schemas.Process {
        try withState { (state: inout State) throws(SandboxError) -> Components.Schemas.Process in
            var jobIndex = 0
            func nodes(of group: Components.Schemas.GroupCreate?, at path: String) throws(SandboxError) -> [Seed.Node] {
                var result: [Seed.Node] = []
                for (i, child) in (group?.children ?? []).enumerated() {
                    let here = JSONPath.item(JSONPath.member(path, "children"), i)
                    switch (child._type, child.job, child.group) {
                    case (.job, let job?, nil):
                        let at = JSONPath.member(here, "job")
                        var record = try Self.record(
                            for: job.jobRun, index: jobIndex, id: state.newID("job"), state: state, at: at, users: .ids)
                        record.arguments = try Self.withProcessOnlyArguments(job.arguments, record.arguments, at: at, index: jobIndex)
                        jobIndex += 1
                        result.append(Seed.Node(
                            id: record.id, name: record.name, action: record.action, arguments: record.arguments,
                            triggerType: record.triggerType))
                    case (.group, nil, let group?):
                        result.append(Seed.Node(
                            id: state.newID("group"), name: group.name, triggerType: group.triggerType?.rawValue,
                            parallel: group.parallel, readOnly: group.readOnly ?? false,
                            children: try nodes(of: group, at: JSONPath.member(here, "group"))))
                    default:
                        // The member its type names is missing, or the other one is there too.
                        let (wanted, other) = child._type == .job ? ("job", "group") : ("group", "job")
                        let missing = child._type == .job ? child.job == nil : child.group == nil
                        throw .invalid(
                            "invalidArgument", "a child of type \(child._type.rawValue) carries \(wanted) (and no \(other))",
                            target: JSONPath.member(here, missing ? wanted : other))
                    }
                }
                return result
            }
            let name = definition.name.trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else { throw .invalid("invalidArgument", "name must not be empty", target: "body.name") }
            for (member, date) in [("dueDate", definition.dueDate), ("businessStartDate", definition.businessStartDate)] {
                if let date { try Self.checkDate(date, "body.\(member)", nil) }
            }
            var process = Seed.Process(
                id: state.newID("process"), name: name, dueDate: definition.dueDate, created: Date(),
                children: try nodes(of: definition.root, at: "body.root"))
            process.autoClose = definition.autoClose
            process.businessDaysOfWeek = definition.businessDaysOfWeek?.map(\.rawValue)
            process.businessStartDate = definition.businessStartDate
            process.certAutoApprove = definition.certAutoApprove
            process.relativeDates = definition.relativeDates
            state.processes.append(process)
            return process.response()
        }
    }

    /// The job's arguments as a job run shows them, with the members only a
    /// process's jobs have (`instructions` and `approverDueDate` of a sendTask).
    static func withProcessOnlyArguments(
        _ given: Components.Schemas.JobArgumentsCreate, _ shown: Components.Schemas.JobRunArguments?, at path: String, index: Int
    ) throws(SandboxError) -> Components.Schemas.JobRunArguments? {
        guard case .sendTask(let task) = given, case .sendTask(var arguments)? = shown?.value1 else { return shown }
        if let date = task.sendTaskArgs.approverDueDate {
            try checkDate(date, "\(path).arguments.sendTaskArgs.approverDueDate", index)
        }
        arguments.sendTaskArgs?.instructions = task.sendTaskArgs.instructions
        arguments.sendTaskArgs?.approverDueDate = task.sendTaskArgs.approverDueDate
        return .init(value1: .sendTask(arguments))
    }

    /// Starts a run of a process: a copy of its tree with new ids, running.
    func runProcess(id: String) throws(SandboxError) -> Components.Schemas.ProcessRun {
        let runID = try withState { (state: inout State) throws(SandboxError) -> String in
            guard let process = state.processes.first(where: { $0.id == id }) else {
                throw .notFound("Could not find process id \(id)", target: "processId")
            }
            func copy(_ nodes: [Seed.Node]) -> [Seed.Node] {
                nodes.map { node in
                    var n = node
                    n.id = state.newID(node.isGroup ? "grouprun" : "jobrun")
                    n.status = "waiting"
                    n.children = node.children.map(copy)
                    return n
                }
            }
            let runID = state.newID("run")
            state.runs[runID] = RunRecord(
                id: runID, processID: process.id, name: process.name, status: "running", created: Date(), children: copy(process.children))
            state.runOrder.append(runID)
            return runID
        }
        return try processRun(id: runID)
    }
}

extension SandboxStore {
    /// Moves a process to the trash: it leaves the list and reads. Its runs stay.
    func trashProcess(id: String) throws(SandboxError) {
        try withState { (state: inout State) throws(SandboxError) in
            guard let index = state.processes.firstIndex(where: { $0.id == id }) else {
                throw .notFound("Could not find process id \(id)", target: "processId")
            }
            state.processes.remove(at: index)
        }
    }

    /// What stands in the way of running a process: an empty process or group,
    /// a job without an assignee, a principal, document or section the
    /// sandbox does not know. Changes nothing.
    func validateProcess(id: String) throws(SandboxError) -> Components.Schemas.ProcessValidation {
        try read { (state: State) throws(SandboxError) -> Components.Schemas.ProcessValidation in
            guard let process = state.processes.first(where: { $0.id == id }) else {
                throw .notFound("Could not find process id \(id)", target: "processId")
            }
            var errors: [Components.Schemas.ProcessValidationError] = []
            if process.children.isEmpty {
                errors.append(.init(code: "emptyProcess", message: "The process has no jobs."))
            }
            func walk(_ nodes: [Seed.Node]) {
                for node in nodes {
                    if node.isGroup {
                        if (node.children ?? []).isEmpty {
                            errors.append(.init(code: "emptyGroup", message: "The group has no jobs.", target: node.id))
                        }
                        walk(node.children ?? [])
                    } else {
                        errors += Self.problems(of: node, state: state)
                    }
                }
            }
            walk(process.children)
            return .init(errors: errors)
        }
    }

    /// The problems of one job: its arguments as JSON, checked against the seed's people and documents.
    static func problems(of job: Seed.Node, state: State) -> [Components.Schemas.ProcessValidationError] {
        guard let action = job.action, ["sendTask", "contentRequest"].contains(action) else { return [] }
        let arguments = job.arguments.flatMap { try? JSONEncoder.sandbox.encode($0) }
            .flatMap { try? JSONValue(parsing: String(decoding: $0, as: UTF8.self)) }
        let args = arguments?["\(action)Args"]
        func problem(_ code: String, _ message: String, _ argument: String) -> Components.Schemas.ProcessValidationError {
            .init(
                code: code, message: message, target: job.id,
                meta: try? .init(unvalidatedValue: ["argumentName": argument, "jobId": job.id]))
        }
        var found: [Components.Schemas.ProcessValidationError] = []
        for argument in ["assignee", "approver"] {
            guard let principal = args?[argument] else {
                if argument == "assignee" { found.append(problem("missingAssignee", "The job has no assignee.", argument)) }
                continue
            }
            let id = principal["id"]?.stringValue ?? ""
            let type = principal["type"]?.stringValue ?? "user"
            if state.principals[id]?.type != type {
                found.append(type == "group"
                    ? problem("invalidGroup", "The provided group is invalid.", argument)
                    : problem("invalidUser", "The provided user is invalid.", argument))
            }
        }
        if let document = args?["document"]?.stringValue {
            if let known = state.documents[document] {
                if action == "contentRequest", let section = args?["section"]?.stringValue, !known.sections.contains(section) {
                    found.append(problem("invalidSection", "The provided section is not in document \(document).", "section"))
                }
            } else {
                found.append(problem("invalidDocument", "The provided document is invalid.", "document"))
            }
        }
        return found
    }
}

extension SandboxStore {
    /// The most updates one batchUpdateProcess request may carry.
    static let maximumBatchUpdates = APIOperation.batchUpdateProcess.maximumItems(in: "data") ?? .max

    /// Renames jobs and groups of a process, all or none: every update is
    /// checked (a known job or group of this process, a name that is not
    /// blank) before any is applied. A job's name changes, not its task's title.
    func batchUpdateProcess(id: String, updates: [Components.Schemas.BatchUpdateItem]) throws(SandboxError) -> Components.Schemas.Process {
        guard updates.count <= Self.maximumBatchUpdates else {
            throw .invalid(
                "invalidRequest", "body.data has \(updates.count) updates; at most \(Self.maximumBatchUpdates) fit in one request",
                target: "body.data")
        }
        try withState { (state: inout State) throws(SandboxError) in
            guard let index = state.processes.firstIndex(where: { $0.id == id }) else {
                throw .notFound("Could not find process id \(id)", target: "processId")
            }
            var kinds: [String: Bool] = [:]  // id -> is a group
            func collect(_ nodes: [Seed.Node]) {
                for node in nodes {
                    kinds[node.id] = node.isGroup
                    collect(node.children ?? [])
                }
            }
            collect(state.processes[index].children)
            var names: [String: String] = [:]
            for (i, item) in updates.enumerated() {
                let base = JSONPath.item("body.data", i)
                let group = item._type == .groupName
                let (member, other) = group ? ("groupNameUpdate", "jobNameUpdate") : ("jobNameUpdate", "groupNameUpdate")
                guard let update = group ? item.groupNameUpdate : item.jobNameUpdate else {
                    throw .invalid("invalidRequest", "a \(item._type.rawValue) update needs \(member)", target: JSONPath.member(base, member))
                }
                if (group ? item.jobNameUpdate : item.groupNameUpdate) != nil {
                    throw .invalid(
                        "invalidRequest", "a \(item._type.rawValue) update carries \(member), not \(other)",
                        target: JSONPath.member(base, other))
                }
                let what = group ? "group" : "job"
                guard kinds[update.id] == group else {
                    throw .invalid(
                        group ? "invalidGroup" : "invalidJob",
                        kinds[update.id] == nil
                            ? "The process has no \(what) with id \(update.id)."
                            : "\(update.id) is a \(group ? "job" : "group"), not a \(what).",
                        target: "\(JSONPath.member(base, member)).id")
                }
                let name = update.newName.trimmingCharacters(in: .whitespaces)
                guard !name.isEmpty else {
                    throw .invalid("invalidArgument", "newName must not be blank", target: "\(JSONPath.member(base, member)).newName")
                }
                names[update.id] = name
            }
            func rename(_ nodes: inout [Seed.Node]) {
                for i in nodes.indices {
                    if let name = names[nodes[i].id] { nodes[i].name = name }
                    if nodes[i].children != nil { rename(&nodes[i].children!) }
                }
            }
            if !names.isEmpty { rename(&state.processes[index].children) }
        }
        return try process(id: id)
    }
}
