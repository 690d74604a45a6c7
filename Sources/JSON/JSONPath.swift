/// Paths to values, as messages name them: `a.b` for identifier-like keys,
/// `a["odd key"]` otherwise, `a[2]` for items. Every message that shows a path
/// (the bindings', LuaKit's, the client's, the sandbox's) shows it through
/// ``shortened(_:)``, so a path a thousand levels deep is one short line:
/// `run.children[1]...children[1]`.
public enum JSONPath {
    /// `base.key`, or `base["key"]` when the key is not an identifier.
    public static func member(_ base: String, _ key: String) -> String {
        if isIdentifier(key) { return "\(base).\(key)" }
        return "\(base)[\(quoted(key))]"
    }

    /// `base[index]`.
    public static func item(_ base: String, _ index: Int) -> String {
        "\(base)[\(index)]"
    }

    /// `root` followed by a decoder's coding path (items as the decoder
    /// counts them, from 0), shortened as ``shortened(_:)`` does.
    public static func appending(_ codingPath: some Sequence<any CodingKey>, to root: String) -> String {
        var path = root
        for key in codingPath {
            path = key.intValue.map { item(path, $0) } ?? member(path, key.stringValue)
        }
        return shortened(path)
    }

    /// How many steps (`.key`, `[i]`) a path may have before it is shortened.
    public static let longestShown = 24

    /// `path` as a message shows it: itself, or, when it has more than
    /// ``longestShown`` steps, its root and first two steps, `...`, and its
    /// last two steps, from the member before them when the first is an
    /// item: `run.children[1]...children[1]`, `process.children[1]...children[1].name`.
    public static func shortened(_ path: String) -> String {
        let steps = stepStarts(of: path)
        guard steps.count > longestShown else { return path }
        let head = path[..<steps[2]]
        var from = steps.count - 2
        if path[steps[from]] == "[", path[steps[from - 1]] == "." { from -= 1 }
        var tail = path[steps[from]...]
        if tail.first == "." { tail = tail.dropFirst() }
        return "\(head)...\(tail)"
    }

    /// Where each step of `path` starts: at a `.`, or at a `[` (whose quoted
    /// key may hold dots and brackets of its own). The root is not a step.
    static func stepStarts(of path: String) -> [String.Index] {
        var starts: [String.Index] = []
        var i = path.startIndex
        var inQuotes = false
        while i < path.endIndex {
            let c = path[i]
            if inQuotes {
                if c == "\\" {
                    i = path.index(after: i)
                    if i == path.endIndex { break }
                } else if c == "\"" {
                    inQuotes = false
                }
            } else if c == "." || c == "[" {
                if i != path.startIndex { starts.append(i) }
                let next = path.index(after: i)
                if c == "[", next < path.endIndex, path[next] == "\"" {
                    inQuotes = true
                    i = next
                }
            }
            i = path.index(after: i)
        }
        return starts
    }

    static func isIdentifier(_ key: String) -> Bool {
        guard let first = key.utf8.first, !(48...57).contains(first) else { return false }
        return key.utf8.allSatisfy { c in
            (97...122).contains(c) || (65...90).contains(c) || (48...57).contains(c) || c == 95
        }
    }

    static func quoted(_ s: String) -> String {
        var out = "\""
        for ch in s.unicodeScalars {
            switch ch {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case _ where ch.value < 0x20: out += "\\\(ch.value)"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out + "\""
    }
}
