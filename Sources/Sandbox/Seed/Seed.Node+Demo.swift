import ProcessesAPI

extension Seed.Node {
    /// A sendTask job.
    public static func sendTask(id: String, title: String, assignee: String, due: String?, status: String) -> Self {
        Self(
            id: id, name: title, action: "sendTask",
            arguments: .init(value1: .sendTask(.init(
                _type: .sendTask,
                sendTaskArgs: .init(assignee: .init(id: assignee, _type: "user"), title: title, dueDate: due)))),
            triggerType: "whenEligible", status: status)
    }

    /// A contentRequest job.
    public static func contentRequest(id: String, title: String, assignee: String, document: String, section: String, status: String) -> Self {
        Self(
            id: id, name: title, action: "contentRequest",
            arguments: .init(value1: .contentRequest(.init(
                _type: .contentRequest,
                contentRequestArgs: .init(assignee: .init(id: assignee, _type: "user"), title: title, document: document, section: section)))),
            triggerType: "whenEligible", status: status)
    }

    /// The same node as part of a process definition: no run status.
    var asDefinition: Self {
        var copy = self
        copy.status = nil
        copy.children = children?.map(\.asDefinition)
        return copy
    }
}
