import ProcessesAPI

extension Seed.Node {
    /// Definition nodes as the API shows them.
    static func definitions(_ nodes: [Seed.Node], parent: String?, excludingGenerated: Bool = false) -> [Components.Schemas.ProcessChild] {
        nodes.enumerated().compactMap { ordinal, node in
            if node.isGroup {
                var group = Components.Schemas.Group(parallel: node.parallel ?? false)
                group.id = node.id
                group.name = node.name
                group.readOnly = node.readOnly
                group.ordinal = Int32(clamping: ordinal)
                group.parent = parent
                group.children = definitions(node.children ?? [], parent: node.id, excludingGenerated: excludingGenerated)
                return .Group(group)
            }
            if excludingGenerated && SandboxStore.isGenerated(action: node.action) { return nil }
            return .Job(Components.Schemas.Job(
                id: node.id, ordinal: Int32(clamping: ordinal), parent: parent, action: node.action ?? "",
                arguments: node.arguments, triggerType: node.triggerType, name: node.name))
        }
    }
}
