import ProcessesAPI

extension Components.Schemas.JobCreate {
    /// The job as createJobRuns takes it: the action from `arguments.type`,
    /// users (plain ids here) as user principals. Members createJobRuns has
    /// no place for are added by `SandboxStore.withProcessOnlyArguments`.
    var jobRun: Components.Schemas.JobRunCreate {
        func user(_ id: String) -> Components.Schemas.PrincipalCreate { .init(id: id, _type: .user) }
        let trigger = triggerType.flatMap { Components.Schemas.JobRunCreate.TriggerTypePayload(rawValue: $0.rawValue) }
        switch arguments {
        case .sendTask(let a):
            let args = a.sendTaskArgs
            return .init(
                action: .sendTask,
                arguments: .sendTask(.init(
                    _type: .sendTask,
                    sendTaskArgs: .init(
                        assignee: user(args.assigneeUser), title: args.title, dueDate: args.dueDate, approver: args.approverUser.map(user)))),
                triggerType: trigger)
        case .contentRequest(let a):
            let args = a.contentRequestArgs
            return .init(
                action: .contentRequest,
                arguments: .contentRequest(.init(
                    _type: .contentRequest,
                    contentRequestArgs: .init(
                        assignee: user(args.assigneeUser), title: args.title, document: args.document, section: args.section,
                        approver: args.approverUser.map(user), instructions: args.instructions))),
                triggerType: trigger)
        }
    }
}
