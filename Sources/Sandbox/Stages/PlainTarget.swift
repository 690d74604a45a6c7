import ProcessesAPI

/// A request target the fast paths read themselves: the operation's path with
/// its parameters' values, and a query of known names, each at most once,
/// with nothing to decode (no percent escape, no `+`). Anything else is left
/// to the generated server, which decodes it or gives the canonical error.
/// (Works on UTF-8 bytes: splitting Characters cost 3% of a request under load.)
struct PlainTarget {
    var pathValues: [String]
    var query: [String: String]

    init?(_ target: String, of operation: APIOperation, queryNames: [String]) {
        let bytes = Array(target.utf8)[...]
        let parts = bytes.split(separator: UInt8(ascii: "?"), maxSplits: 1, omittingEmptySubsequences: false)
        let segments = parts[0].split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        let template = operation.templateSegments
        guard segments.count == template.count + 1, segments[0].isEmpty else { return nil }
        var values: [String] = []
        for (expected, segment) in zip(template, segments.dropFirst()) {
            if let expected {
                guard segment.elementsEqual(expected.utf8) else { return nil }
            } else {
                guard let value = Self.plain(segment) else { return nil }
                values.append(value)
            }
        }
        var query: [String: String] = [:]
        for pair in parts.count == 2 ? parts[1].split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: false) : [] {
            let nameValue = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            guard nameValue.count == 2, let value = Self.plain(nameValue[1]),
                let name = queryNames.first(where: { nameValue[0].elementsEqual($0.utf8) }), query[name] == nil
            else { return nil }  // unknown, repeated, or escaped
            query[name] = value
        }
        pathValues = values
        self.query = query
    }

    /// A path segment or query value of printable ASCII with no escapes to decode, as a string.
    static func plain(_ bytes: ArraySlice<UInt8>) -> String? {
        guard !bytes.isEmpty,
            bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "%") && $0 != UInt8(ascii: "+") })
        else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }
}
