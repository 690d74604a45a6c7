import JSON

extension JSONValue {
    /// Whether a `null` is anywhere inside this value.
    var containsNull: Bool {
        switch self {
        case .null: return true
        case .array(let items): return items.contains { $0.containsNull }
        case .object(let members): return members.values.contains { $0.containsNull }
        default: return false
        }
    }

    /// The path of the first `null` inside this value (object members in key order), if any.
    func firstNull(at path: String) -> String? {
        guard containsNull else { return nil }  // the usual case, without sorting keys
        switch self {
        case .null:
            return path
        case .array(let items):
            for (i, item) in items.enumerated() {
                if let found = item.firstNull(at: JSONPath.item(path, i)) { return found }
            }
            return nil
        case .object(let members):
            for key in members.keys.sorted() {
                if let found = members[key]!.firstNull(at: JSONPath.member(path, key)) { return found }
            }
            return nil
        default:
            return nil
        }
    }
}
