import Foundation

/// Compares what an example printed with what its page shows.
///
/// Both sides are read line by line, trailing blanks and final empty lines
/// dropped. Date-times (`2026-12-02T13:50:43Z`) and the ports of loopback
/// addresses (`127.0.0.1:38299`) match any. In shown output, `<n>` matches a
/// number, `<date>` a date (`2026-12-06`), `<any>` any text within a line, and
/// a line that is only `...` any number of lines (none too).
enum ShownOutput {
    /// The first shown line that does not match, and the line printed there,
    /// or nil when everything matches.
    struct Mismatch {
        /// Index into the shown lines (== count: the output went on past them).
        var shownIndex: Int
        var printed: String?
    }

    static func normalise(_ text: String) -> String {
        var text = text
        text = replace(#"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z"#, in: text, with: "<time>")
        text = replace(#"(127\.0\.0\.1|localhost|\[::1\]):[0-9]+"#, in: text, with: "$1:<port>")
        return text
    }

    static func lines(_ text: String) -> [String] {
        var lines = text.components(separatedBy: "\n").map { line -> String in
            var line = Substring(line)
            while let last = line.last, last == " " || last == "\t" || last == "\r" { line = line.dropLast() }
            return String(line)
        }
        while lines.last == "" { lines.removeLast() }
        return lines
    }

    /// Matches `printed` against `shown` (both raw).
    static func compare(shown: [String], printed: String) -> Mismatch? {
        let expected = lines(normalise(shown.joined(separator: "\n")))
        let actual = lines(normalise(printed))
        let patterns = expected.map(Pattern.init)
        var memo: [Int: Bool] = [:]
        var furthest = (shown: 0, printed: 0)
        func match(_ e: Int, _ a: Int) -> Bool {
            let key = e * (actual.count + 1) + a
            if let known = memo[key] { return known }
            if e > furthest.shown || (e == furthest.shown && a > furthest.printed) { furthest = (e, a) }
            let result: Bool
            if e == patterns.count {
                result = a == actual.count
            } else if patterns[e].isElision {
                result = match(e + 1, a) || (a < actual.count && match(e, a + 1))
            } else {
                result = a < actual.count && patterns[e].matches(actual[a]) && match(e + 1, a + 1)
            }
            memo[key] = result
            return result
        }
        if match(0, 0) { return nil }
        return Mismatch(
            shownIndex: furthest.shown, printed: furthest.printed < actual.count ? actual[furthest.printed] : nil)
    }

    /// One shown line.
    struct Pattern {
        var isElision: Bool
        var literal: String?
        var regex: NSRegularExpression?

        init(_ line: String) {
            isElision = line.trimmingCharacters(in: .whitespaces) == "..."
            let wildcards = ["<n>", "<date>", "<any>"]
            if !wildcards.contains(where: line.contains) {
                literal = line
                return
            }
            var pattern = NSRegularExpression.escapedPattern(for: line)
            pattern = pattern.replacingOccurrences(of: "<n>", with: "-?[0-9]+(?:\\.[0-9]+)?")
            pattern = pattern.replacingOccurrences(of: "<date>", with: "[0-9]{4}-[0-9]{2}-[0-9]{2}")
            pattern = pattern.replacingOccurrences(of: "<any>", with: ".*")
            regex = try? NSRegularExpression(pattern: "^" + pattern + "$")
        }

        func matches(_ line: String) -> Bool {
            if let literal { return literal == line }
            guard let regex else { return false }
            return regex.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) != nil
        }
    }

    private static func replace(_ pattern: String, in text: String, with template: String) -> String {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return text }
        return regex.stringByReplacingMatches(
            in: text, range: NSRange(text.startIndex..., in: text), withTemplate: template)
    }

    /// Text with numbered lines, for messages.
    static func numbered(_ lines: [String], from first: Int? = nil) -> String {
        if lines.isEmpty { return "    (nothing)" }
        return lines.enumerated().map { i, line in
            let number = first.map { String($0 + i) } ?? String(i + 1)
            return String(repeating: " ", count: max(0, 5 - number.count)) + number + "| " + line
        }.joined(separator: "\n")
    }
}
