/// A group of a run: its children's ids in order (a child's ordinal is its index).
struct GroupRecord: Sendable {
    var id: String
    var name: String?
    var parallel: Bool
    var readOnly: Bool
    var status: String?
    var triggerType: String?
    var children: [String]
}
