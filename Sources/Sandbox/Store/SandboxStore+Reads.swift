import Foundation
import JSON
import OpenAPIRuntime
import ProcessesAPI

extension SandboxStore {
    /// A process run with its whole tree; `excludingGenerated` leaves out the
    /// jobs certification workflows generated (ordinals stay their positions).
    public func processRun(id: String, excludingGenerated: Bool = false) throws(SandboxError) -> Components.Schemas.ProcessRun {
        try read { (state: State) throws(SandboxError) -> Components.Schemas.ProcessRun in
            guard let run = state.runs[id] else {
                throw .notFound("Could not find process run id \(id)", target: "processRunId")
            }
            var counts: [String: Int64] = [:]
            let children = Self.children(of: RunRecord.rootID, in: run, excludingGenerated: excludingGenerated, counts: &counts)
            var answer = Components.Schemas.ProcessRun(id: run.id, name: run.name, status: run.status, children: children)
            answer.statusCounts = .init(additionalProperties: counts)
            answer.created = run.created.map { .init(dateTime: $0) }
            if let processID = run.processID {
                answer.additionalProperties = (try? OpenAPIObjectContainer(unvalidatedValue: ["processId": processID])) ?? .init()
            }
            return answer
        }
    }

    /// The children of a group as the API shows them, counting job statuses on the way.
    static func children(
        of groupID: String, in run: RunRecord, excludingGenerated: Bool, counts: inout [String: Int64]
    ) -> [Components.Schemas.ProcessRunChild] {
        let group = run.groups[groupID]!
        return group.children.enumerated().compactMap { ordinal, id in
            if let child = run.groups[id] {
                var inner: [String: Int64] = [:]
                var g = Components.Schemas.GroupRun(parallel: child.parallel, readOnly: child.readOnly)
                g.id = child.id
                g.name = child.name
                g.children = Self.children(of: id, in: run, excludingGenerated: excludingGenerated, counts: &inner)
                g.status = child.status
                g.triggerType = child.triggerType
                g.ordinal = Int32(clamping: ordinal)
                g.parent = groupID == RunRecord.rootID ? nil : groupID
                g.statusCounts = .init(additionalProperties: inner)
                counts.merge(inner, uniquingKeysWith: +)
                return .GroupRun(g)
            }
            let job = run.jobs[id]!
            if excludingGenerated && Self.isGenerated(action: job.action) { return nil }
            counts[job.status ?? "waiting", default: 0] += 1
            return .JobRun(job.response(ordinal: ordinal, parent: groupID, detailed: true))
        }
    }

    /// The read-only actions certification workflows generate (`certification…Generated`).
    static func isGenerated(action: String?) -> Bool {
        guard let action else { return false }
        return action.hasPrefix("certification") && action.hasSuffix("Generated")
    }
}
