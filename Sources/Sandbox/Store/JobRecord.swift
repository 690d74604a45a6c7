import ProcessesAPI

/// A job run.
struct JobRecord: Sendable {
    var id: String
    var name: String?
    var action: String
    var arguments: Components.Schemas.JobRunArguments?
    var triggerType: String?
    var status: String?
}

extension JobRecord {
    /// The job run as the API shows it; `parent` is absent for the root group.
    /// createJobRuns answers with the fields of Workiva's example only
    /// (`detailed: false`); a process run's tree adds status and name.
    func response(ordinal: Int, parent: String, detailed: Bool = false) -> Components.Schemas.JobRun {
        Components.Schemas.JobRun(
            id: id, ordinal: Int32(clamping: ordinal), parent: parent == RunRecord.rootID ? nil : parent, action: action,
            arguments: arguments, triggerType: triggerType, status: detailed ? status : nil, name: detailed ? name : nil)
    }
}
