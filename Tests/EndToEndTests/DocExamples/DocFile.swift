import Foundation

/// One fenced code block of a Markdown page, with the `<!-- example: ... -->`
/// marker written before it (docs/writing-docs.md describes the convention).
struct Fence: Sendable {
    /// The page, relative to the package root (`docs/lua-api.md`).
    var file: String
    /// The line of the opening fence, from 1.
    var line: Int
    /// The fence's info string (`lua`, `sh`, or empty).
    var language: String
    /// The lines between the fences, without the fence's own indentation.
    var lines: [String]
    /// What the marker says (empty without one).
    var marker: Marker
    /// The line of the marker, when there is one.
    var markerLine: Int?
    /// True when only blank lines stand between the previous fence and this one.
    var followsPreviousFence: Bool

    /// The line in the page of `lines[i]`.
    func pageLine(ofBodyLine i: Int) -> Int { line + 1 + i }

    /// A `$ command` transcript: its first non-blank line starts with `$ `.
    var isTranscript: Bool {
        (language.isEmpty || Self.shellLanguages.contains(language))
            && lines.first(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty })?.hasPrefix("$ ") == true
    }

    /// Languages whose blocks are examples: each must run, or say why not.
    static let shellLanguages: Set<String> = ["sh", "bash", "shell", "console"]
    static let exampleLanguages: Set<String> = shellLanguages.union(["lua", "cron"])

    var isExample: Bool { Self.exampleLanguages.contains(language) || isTranscript }

    /// The file a `lua` block is, when it names itself in a first comment line
    /// (`-- add-review.lua`, after an optional `#!` line).
    var scriptName: String? {
        guard language == "lua" else { return nil }
        for line in lines.prefix(2) {
            if line.hasPrefix("#!") { continue }
            guard line.hasPrefix("-- "), var word = line.dropFirst(3).split(separator: " ").first else { return nil }
            if word.hasSuffix(":") { word = word.dropLast() }
            guard word.hasSuffix(".lua"), !word.contains("/") else { return nil }
            return String(word)
        }
        return nil
    }

    var location: String { "\(file):\(line)" }
}

/// The directives of one `<!-- example: a; b; c -->` line.
struct Marker: Sendable {
    /// `not run (REASON)`: the block is shown, never run.
    var notRun: String?
    /// `output`: the block shows what the example before it prints.
    var output = false
    /// `continues` / `continues NAME`: a `lua` block run in the same procsh as
    /// the one before (or the one called NAME), after it.
    var continues: String??
    /// `name NAME`: a name for `continues NAME`.
    var name: String?
    /// `exit N`: the exit status the example ends with (default 0).
    var exit: Int32?
    /// `args A B`: the arguments of a `lua` block's script.
    var args: [String] = []
    /// `options --o v`: procsh's options for a `lua` block, before the script.
    var options: [String] = []
    /// `stdin TEXT` (`\n` for a newline): what the example reads.
    var stdin: String?
    /// `setup COMMAND`: a shell command run first, in the example's directory.
    var setup: String?
    /// `server`: a `procsh sandbox serve --port 0` runs for the block, which
    /// reaches it where it says `127.0.0.1:8080`.
    var server = false
    /// `replace 'A' 'B', 'C' 'D'`: run the block with A replaced by B, ...
    var replacements: [(String, String)] = []
    /// `known defect: WHAT`: temporary; the example shows what procsh should do
    /// and does not yet.
    var knownDefect: String?
    /// Directives that mean nothing (reported by the lint test).
    var unknown: [String] = []

    var isEmpty: Bool {
        notRun == nil && !output && continues == nil && name == nil && exit == nil && args.isEmpty
            && options.isEmpty && stdin == nil && setup == nil && !server && replacements.isEmpty
            && knownDefect == nil && unknown.isEmpty
    }

    /// Reads the text between `example:` and `-->`.
    init(parsing text: String) {
        var rest = text
        if let range = rest.range(of: "known defect:") {
            knownDefect = rest[range.upperBound...].trimmingCharacters(in: .whitespaces)
            rest = String(rest[..<range.lowerBound])
        }
        for part in rest.split(separator: ";") {
            let directive = part.trimmingCharacters(in: .whitespaces)
            if directive.isEmpty { continue }
            let (word, value) = Self.split(directive)
            switch word {
            case "not" where value.hasPrefix("run (") && value.hasSuffix(")"):
                notRun = String(value.dropFirst("run (".count).dropLast())
            case "output" where value.isEmpty: output = true
            case "continues": continues = .some(value.isEmpty ? nil : value)
            case "name" where !value.isEmpty: name = value
            case "exit" where Int32(value) != nil: exit = Int32(value)
            case "args": args = value.split(separator: " ").map(String.init)
            case "options": options = value.split(separator: " ").map(String.init)
            case "stdin": stdin = value.replacingOccurrences(of: "\\n", with: "\n")
            case "setup" where !value.isEmpty: setup = value
            case "server" where value.isEmpty: server = true
            case "replace":
                guard let pairs = Self.quotedPairs(value) else {
                    unknown.append(directive)
                    continue
                }
                replacements += pairs
            default: unknown.append(directive)
            }
        }
    }

    init() {}

    private static func split(_ directive: String) -> (String, String) {
        guard let space = directive.firstIndex(of: " ") else { return (directive, "") }
        return (
            String(directive[..<space]),
            directive[directive.index(after: space)...].trimmingCharacters(in: .whitespaces)
        )
    }

    /// `'A' 'B', 'C' 'D'` as pairs; nil if it is not of that form.
    private static func quotedPairs(_ text: String) -> [(String, String)]? {
        var strings: [String] = []
        var current: String?
        for c in text {
            if let open = current {
                if c == "'" {
                    strings.append(open)
                    current = nil
                } else {
                    current = open + String(c)
                }
            } else if c == "'" {
                current = ""
            } else if c != " " && c != "," {
                return nil
            }
        }
        guard current == nil, !strings.isEmpty, strings.count % 2 == 0 else { return nil }
        return stride(from: 0, to: strings.count, by: 2).map { (strings[$0], strings[$0 + 1]) }
    }
}

/// A Markdown page's fenced blocks, and its page-wide directives
/// (`<!-- examples: replace ... -->`).
struct DocFile: Sendable {
    var path: String
    var fences: [Fence]
    var pageMarker: Marker
    /// Marker lines that precede no fence (reported by the lint test).
    var strayMarkers: [Int]

    static let markerPrefix = "<!-- example:"
    static let pageMarkerPrefix = "<!-- examples:"

    init(path: String, text: String) {
        self.path = path
        var fences: [Fence] = []
        var pageMarker = Marker()
        var stray: [Int] = []
        var pending: (Marker, Int)?
        var lastFenceEnd: Int?
        let lines = text.components(separatedBy: "\n")
        var i = 0
        while i < lines.count {
            let line = lines[i]
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if let body = Self.comment(trimmed, prefix: Self.pageMarkerPrefix) {
                let page = Marker(parsing: body)
                pageMarker.replacements += page.replacements
                var rest = page
                rest.replacements = []
                if !rest.isEmpty { pageMarker.unknown.append("examples: \(body) (a page marker takes only replace)") }
                i += 1
                continue
            }
            if let body = Self.comment(trimmed, prefix: Self.markerPrefix) {
                if let (_, at) = pending { stray.append(at) }
                pending = (Marker(parsing: body), i + 1)
                i += 1
                continue
            }
            if trimmed.hasPrefix("```") {
                let indent = line.prefix(while: { $0 == " " }).count
                let language = trimmed.dropFirst(3).trimmingCharacters(in: .whitespaces)
                var body: [String] = []
                var j = i + 1
                while j < lines.count, !(lines[j].trimmingCharacters(in: .whitespaces) == "```") {
                    var content = Substring(lines[j])
                    var dropped = 0
                    while dropped < indent, content.first == " " {
                        content = content.dropFirst()
                        dropped += 1
                    }
                    body.append(String(content))
                    j += 1
                }
                let follows = lastFenceEnd.map { end in
                    lines[(end + 1)..<i].allSatisfy { l in
                        let t = l.trimmingCharacters(in: .whitespaces)
                        return t.isEmpty || Self.comment(t, prefix: Self.markerPrefix) != nil
                    }
                } ?? false
                fences.append(
                    Fence(
                        file: path, line: i + 1, language: language, lines: body,
                        marker: pending?.0 ?? Marker(), markerLine: pending?.1, followsPreviousFence: follows))
                pending = nil
                lastFenceEnd = j
                i = j + 1
                continue
            }
            if !trimmed.isEmpty, let (_, at) = pending {
                stray.append(at)
                pending = nil
            }
            i += 1
        }
        if let (_, at) = pending { stray.append(at) }
        self.fences = fences
        self.pageMarker = pageMarker
        self.strayMarkers = stray
    }

    /// The text of `<!-- PREFIX text -->`, if `line` is such a comment.
    private static func comment(_ line: String, prefix: String) -> String? {
        guard line.hasPrefix(prefix), line.hasSuffix("-->") else { return nil }
        return String(line.dropFirst(prefix.count).dropLast(3)).trimmingCharacters(in: .whitespaces)
    }
}

/// The pages whose examples are run: README.md and docs/*.md.
enum DocPages {
    static func all() -> [DocFile] {
        let root = Programs.packageRoot
        var paths = ["README.md"]
        let docs = (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("docs").path)) ?? []
        paths += docs.filter { $0.hasSuffix(".md") }.sorted().map { "docs/\($0)" }
        return paths.compactMap { path in
            guard let text = try? String(contentsOf: root.appendingPathComponent(path), encoding: .utf8) else { return nil }
            return DocFile(path: path, text: text)
        }
    }
}
