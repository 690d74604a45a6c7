import Foundation
import JSON
import ProcessesAPI

extension SandboxStore {
    /// Where new job runs go, as the query gives it.
    public struct Placement: Sendable {
        public var siblingID: String?
        public var parentGroupID: String?
        public var before: Bool

        public init(siblingID: String? = nil, parentGroupID: String? = nil, before: Bool = true) {
            self.siblingID = siblingID
            self.parentGroupID = parentGroupID
            self.before = before
        }
    }

    /// createJobRuns: checks every job, then inserts them all contiguously, in
    /// body order, at the placement; nothing changes when anything is wrong.
    public func createJobRuns(
        runID: String, placement: Placement, jobs: [Components.Schemas.JobRunCreate]
    ) throws(SandboxError) -> [Components.Schemas.JobRun] {
        guard !jobs.isEmpty else {
            throw .invalid("emptyBody", "The body must be a non-empty array of job runs.", target: "body")
        }
        return try withState { (state: inout State) throws(SandboxError) -> [Components.Schemas.JobRun] in
            let (groupID, index) = try Self.target(in: state, runID: runID, placement)
            var records: [JobRecord] = []
            records.reserveCapacity(jobs.count)
            for (i, job) in jobs.enumerated() {
                records.append(try Self.record(for: job, index: i, id: "", state: state))
            }
            for i in records.indices {
                records[i].id = state.newID("jobrun")
            }
            // Change the run in place (no copy of its tree): insert all at once,
            // so later siblings' ordinals shift by jobs.count.
            state.runs[runID]!.groups[groupID]!.children.insert(contentsOf: records.map(\.id), at: index)
            for record in records {
                state.runs[runID]!.jobs[record.id] = record
                state.runs[runID]!.parentOf[record.id] = groupID
            }
            return records.enumerated().map { offset, record in
                record.response(ordinal: index + offset, parent: groupID)
            }
        }
    }

    /// Checks the run and the target group, and finds where the new jobs go.
    static func target(in state: State, runID: String, _ placement: Placement) throws(SandboxError) -> (String, Int) {
        guard let run = state.runs[runID] else {
            throw .notFound("Could not find process run id \(runID)", target: "processRunId")
        }
        guard !run.isClosed else {
            throw .conflict("Process run \(runID) is \(run.status) and no longer accepts job runs", target: "processRunId")
        }
        let (groupID, index) = try position(in: run, placement)
        let group = run.groups[groupID]!
        // The parameter that chose the group: parentGroupId, or the sibling it was found from.
        let chosenBy = placement.parentGroupID == nil && placement.siblingID != nil ? "relativeSiblingId" : "parentGroupId"
        if group.readOnly {
            throw .conflict("Group \(groupID) is read-only and does not accept job runs", target: chosenBy)
        }
        if let status = group.status, status == "complete" || status == "cancelled" {
            throw .conflict("Group \(groupID) is \(status) and no longer accepts job runs", target: chosenBy)
        }
        return (groupID, index)
    }

    /// The group the new jobs go into and the index of the first one.
    static func position(in run: RunRecord, _ placement: Placement) throws(SandboxError) -> (String, Int) {
        var groupID = RunRecord.rootID
        if let parent = placement.parentGroupID {
            guard run.groups[parent] != nil, parent != RunRecord.rootID else {
                throw .notFound("Could not find group id \(parent) in process run \(run.id)", target: "parentGroupId")
            }
            groupID = parent
        }
        guard let sibling = placement.siblingID else {
            return (groupID, run.groups[groupID]!.children.count)
        }
        guard let siblingParent = run.parentOf[sibling] else {
            throw .notFound("Could not find sibling id \(sibling) in process run \(run.id)", target: "relativeSiblingId")
        }
        if placement.parentGroupID != nil && siblingParent != groupID {
            throw .invalid(
                "invalidSibling",
                "Sibling \(sibling) is not a child of group \(groupID)",
                target: "relativeSiblingId", meta: ["relativeSiblingId": .string(sibling), "parentGroupId": .string(groupID)])
        }
        groupID = siblingParent
        let at = run.groups[groupID]!.children.firstIndex(of: sibling)!
        return (groupID, placement.before ? at : at + 1)
    }

    /// Checks one job against the rules the schema cannot express and makes its record.
    /// How the request named the job's users: as principals (`assignee`,
    /// createJobRuns) or as ids (`assigneeUser`, createProcess), for the
    /// members its errors name.
    enum Users {
        case principals, ids

        func member(_ argument: String) -> String { self == .ids ? argument + "User" : argument }
    }

    /// `base` is where the job is in the request (`body[3]` in createJobRuns').
    static func record(
        for job: Components.Schemas.JobRunCreate, index: Int, id: String, state: State, at base: String? = nil,
        users: Users = .principals
    ) throws(SandboxError) -> JobRecord {
        let base = base ?? JSONPath.item("body", index)
        switch job.arguments {
        case .sendTask(let arguments):
            guard job.action == .sendTask else { throw mismatch(job.action.rawValue, "sendTask", base) }
            let args = arguments.sendTaskArgs
            try checkCommon(args.title, args.assignee, args.approver, "\(base).arguments.sendTaskArgs", index, state, users)
            if let dueDate = args.dueDate { try checkDate(dueDate, "\(base).arguments.sendTaskArgs.dueDate", index) }
            if let document = args.document { _ = try checkDocument(document, index, state) }
            return JobRecord(
                id: id, name: args.title, action: "sendTask",
                arguments: .init(value1: .sendTask(.init(
                    _type: .sendTask,
                    sendTaskArgs: .init(
                        assignee: args.assignee.response, title: args.title, dueDate: args.dueDate,
                        approver: args.approver?.response, document: args.document)))),
                triggerType: (job.triggerType ?? .whenEligible).rawValue, status: "waiting")
        case .contentRequest(let arguments):
            guard job.action == .contentRequest else { throw mismatch(job.action.rawValue, "contentRequest", base) }
            let args = arguments.contentRequestArgs
            try checkCommon(args.title, args.assignee, args.approver, "\(base).arguments.contentRequestArgs", index, state, users)
            let document = try checkDocument(args.document, index, state)
            guard document.sections.contains(args.section) else {
                throw .invalid(
                    "invalidSection", "The provided section is not in document \(document.id).", target: "section",
                    meta: ["argumentName": "section", "jobIndex": .integer(Int64(index)), "section": .string(args.section)])
            }
            return JobRecord(
                id: id, name: args.title, action: "contentRequest",
                arguments: .init(value1: .contentRequest(.init(
                    _type: .contentRequest,
                    contentRequestArgs: .init(
                        assignee: args.assignee.response, title: args.title, document: args.document, section: args.section,
                        approver: args.approver?.response, instructions: args.instructions)))),
                triggerType: (job.triggerType ?? .whenEligible).rawValue, status: "waiting")
        }
    }

    /// What every action checks: a title, a known assignee, a known approver if any.
    static func checkCommon(
        _ title: String, _ assignee: Components.Schemas.PrincipalCreate, _ approver: Components.Schemas.PrincipalCreate?,
        _ argsPath: String, _ index: Int, _ state: State, _ users: Users = .principals
    ) throws(SandboxError) {
        try checkTitle(title, "\(argsPath).title")
        try checkPrincipal(assignee, users.member("assignee"), index, state)
        if let approver { try checkPrincipal(approver, users.member("approver"), index, state) }
    }

    static func mismatch(_ action: String, _ type: String, _ base: String) -> SandboxError {
        .invalid(
            "actionMismatch", "action \"\(action)\" does not match arguments.type \"\(type)\"; they must name the same action",
            target: "\(base).arguments.type")
    }

    static func checkTitle(_ title: String, _ target: String) throws(SandboxError) {
        if title.isBlank {
            throw .invalid("invalidArgument", "title must not be empty", target: target)
        }
    }

    /// The seed's `invalidUser` answer for an unknown user (or group).
    static func checkPrincipal(_ principal: Components.Schemas.PrincipalCreate, _ argument: String, _ index: Int, _ state: State) throws(SandboxError) {
        let known = state.principals[principal.id]
        guard let known, known.type == principal._type.rawValue else {
            let isGroup = principal._type == .group
            throw .invalid(
                isGroup ? "invalidGroup" : "invalidUser",
                isGroup ? "The provided group is invalid." : "The provided user is invalid.",
                target: argument,
                meta: ["argumentName": .string(argument), "jobIndex": .integer(Int64(index)), "id": .string(principal.id)])
        }
    }

    static func checkDocument(_ id: String, _ index: Int, _ state: State) throws(SandboxError) -> Seed.Document {
        guard let document = state.documents[id] else {
            throw .invalid(
                "invalidDocument", "The provided document is invalid.", target: "document",
                meta: ["argumentName": "document", "jobIndex": .integer(Int64(index)), "id": .string(id)])
        }
        return document
    }

    /// A real calendar date written YYYY-MM-DD; `target` ends with the member's
    /// name, `index` is the job's (none for the process's own dates).
    static func checkDate(_ text: String, _ target: String, _ index: Int?) throws(SandboxError) {
        guard CalendarDate.isValid(text) else {
            let member = target.split(separator: ".").last.map(String.init) ?? target
            var meta: [String: JSONValue] = ["argumentName": .string(member)]
            if let index { meta["jobIndex"] = .integer(Int64(index)) }
            throw .invalid(
                "invalidDate", "\(member) \"\(text)\" is not a real date in the form YYYY-MM-DD", target: target, meta: meta)
        }
    }

}

extension SandboxStore {
    /// Sets a job run's status (an admin operation: Workiva's API has none)
    /// and derives its groups' and its run's statuses again. Returns the run's
    /// id and its new status.
    @discardableResult
    public func setJobRunStatus(id: String, status: String) throws(SandboxError) -> (runID: String, runStatus: String) {
        guard RunStatus.known.contains(status) else {
            throw .invalid(
                "invalidStatus",
                "unknown status \"\(status)\"; a job run's status is one of \(RunStatus.known.joined(separator: ", "))",
                target: "status", meta: ["status": .string(status)])
        }
        return try withState { (state: inout State) throws(SandboxError) -> (runID: String, runStatus: String) in
            // The first run that has it (a seed file may repeat ids across runs).
            guard let runID = state.runOrder.first(where: { state.runs[$0]?.jobs[id] != nil }) else {
                throw .notFound("Could not find job run id \(id)", target: "jobRunId")
            }
            state.runs[runID]!.jobs[id]!.status = status
            state.runs[runID]!.deriveStatuses(from: state.runs[runID]!.parentOf[id]!)
            return (runID, state.runs[runID]!.status)
        }
    }
}
