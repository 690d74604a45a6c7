import Foundation
import Testing

/// A line of shown output and where the page shows it.
struct ShownLine: Sendable {
    var text: String
    var line: Int
}

/// What one part of a run must print: the lines a page shows.
struct Check: Sendable {
    var shown: [ShownLine]
    /// Where the shown output starts (the output block, or the first `-->`).
    var shownAt: Int
    /// The example it belongs to (its fence).
    var example: Int
}

/// One command of a run, in bash, and what it must print and exit with.
struct Step: Sendable {
    var command: String
    var stdin: String?
    /// One per part of its output (a chain's blocks print parts split by
    /// `DocRunner.split`); nil: that part's output is not shown.
    var checks: [Check?]
    var exit: Int32
    /// The page line the exit status is reported at.
    var exitLine: Int
    /// The command as the page shows it, for messages.
    var shown: String
}

/// What the runner runs for one example (or a chain of them): in a fresh
/// directory, with these files, these steps in order.
struct DocRun: Sendable, CustomTestStringConvertible {
    var file: String
    var line: Int
    /// Files written into the directory first (name: contents).
    var files: [String: String]
    var setup: [String]
    var steps: [Step]
    var server: Bool
    var knownDefect: String?

    var testDescription: String { "\(file):\(line)" }
}

/// How many examples of a page run and how many are marked not run.
struct PageCount: Sendable {
    var run = 0
    var notRun = 0
}

/// A page's examples as runs, and what is wrong with its markers.
struct DocPlan: Sendable {
    var runs: [DocRun] = []
    /// Marker mistakes: (line, message).
    var problems: [(Int, String)] = []
    var count = PageCount()

    init(_ page: DocFile) {
        let fences = page.fences
        let replacements = page.pageMarker.replacements
        func replaced(_ text: String, _ fence: Fence) -> String {
            var text = text
            for (from, to) in replacements + fence.marker.replacements where !from.isEmpty {
                text = text.replacingOccurrences(of: from, with: to)
            }
            return text
        }
        for directive in page.pageMarker.unknown { problems.append((1, "unknown page directive: \(directive)")) }
        for line in page.strayMarkers { problems.append((line, "an example marker must stand right before a fence")) }

        // The output block of each fence: the next fence, when it is marked `output`.
        func outputBlock(after index: Int) -> Fence? {
            let next = index + 1
            guard next < fences.count, fences[next].marker.output else { return nil }
            return fences[next]
        }
        // The shown output of a lua block: its output block, else its `-->` comments.
        func luaCheck(_ index: Int) -> Check? {
            let fence = fences[index]
            if let out = outputBlock(after: index) { return Self.check(out, example: fence.line) }
            let shown = Self.arrowLines(fence)
            guard let first = shown.first else { return nil }
            return Check(shown: shown, shownAt: first.line, example: fence.line)
        }
        // The named lua files defined before `index` (the latest of each name).
        func files(before index: Int) -> [String: String] {
            var files: [String: String] = [:]
            for fence in fences[..<index] where fence.marker.notRun == nil {
                if let name = fence.scriptName { files[name] = replaced(fence.lines.joined(separator: "\n") + "\n", fence) }
            }
            return files
        }
        // Whether a later shell example runs this named lua file.
        func runByLaterShell(_ index: Int) -> Bool {
            guard let name = fences[index].scriptName else { return false }
            for fence in fences[(index + 1)...] {
                if fence.scriptName == name { return false }
                let shell = fence.isTranscript || Fence.shellLanguages.contains(fence.language)
                if shell, fence.marker.notRun == nil, fence.lines.contains(where: { $0.contains(name) }) { return true }
            }
            return false
        }

        // Chains of lua blocks: the index of the run each lua block joins.
        var chainOfFence: [Int: Int] = [:]
        var names: [String: Int] = [:]
        var chains: [(head: Int, members: [Int])] = []
        var lastLua: Int?
        for (index, fence) in fences.enumerated() {
            let marker = fence.marker
            for directive in marker.unknown { problems.append((fence.markerLine ?? fence.line, "unknown example directive: '\(directive)'")) }
            if marker.output {
                let before = index > 0 ? fences[index - 1] : nil
                if before == nil || !before!.isExample || before!.marker.notRun != nil {
                    problems.append((fence.line, "marked output, but the fence before it is no example that runs"))
                }
                continue
            }
            if !fence.isExample {
                // A plain block right after an example that runs must say what it is.
                if fence.followsPreviousFence, index > 0, fences[index - 1].isExample, fences[index - 1].marker.notRun == nil,
                    !marker.output, ["", "json", "text"].contains(fence.language)
                {
                    problems.append(
                        (fence.line, "this block follows an example that runs: mark it `<!-- example: output -->` (or move it)"))
                }
                continue
            }
            if let reason = marker.notRun {
                if reason.trimmingCharacters(in: .whitespaces).isEmpty {
                    problems.append((fence.markerLine ?? fence.line, "`not run` needs a reason: not run (why)"))
                }
                count.notRun += 1
                continue
            }
            count.run += 1
            if fence.language == "cron" {
                problems.append((fence.line, "a crontab line cannot run: mark it `<!-- example: not run (a crontab line) -->`"))
                continue
            }
            if fence.language == "lua" {
                if case .some(let target) = marker.continues {
                    let head: Int?
                    if let target { head = names[target].flatMap { chainOfFence[$0] } } else { head = lastLua.flatMap { chainOfFence[$0] } }
                    guard let head else {
                        problems.append((fence.markerLine ?? fence.line, "continues \(target ?? "the lua block before"), which is not a lua example that runs"))
                        continue
                    }
                    chains[head].members.append(index)
                    chainOfFence[index] = head
                } else if runByLaterShell(index) {
                    lastLua = nil
                    if let name = marker.name { names[name] = index }
                    continue
                } else {
                    chainOfFence[index] = chains.count
                    chains.append((index, [index]))
                }
                if let name = marker.name { names[name] = index }
                lastLua = index
                continue
            }
            // A shell example: a transcript, or a script.
            var run = DocRun(
                file: page.path, line: fence.line, files: files(before: index), setup: marker.setup.map { [$0] } ?? [],
                steps: [], server: marker.server, knownDefect: marker.knownDefect)
            if fence.isTranscript {
                run.steps = Self.transcriptSteps(fence, exit: marker.exit ?? 0, stdin: marker.stdin) { replaced($0, fence) }
            } else {
                let check = outputBlock(after: index).map { Self.check($0, example: fence.line) }
                let script = replaced(fence.lines.joined(separator: "\n"), fence)
                run.steps = [
                    Step(
                        command: "set -e\n" + script, stdin: marker.stdin, checks: [check], exit: marker.exit ?? 0,
                        exitLine: fence.line, shown: script)
                ]
            }
            runs.append(run)
        }

        // Each chain of lua blocks is one script, run once.
        for chain in chains {
            let head = fences[chain.head]
            let members = chain.members.map { fences[$0] }
            let name = head.scriptName ?? "example.lua"
            let script = members.map { replaced($0.lines.joined(separator: "\n"), $0) }
                .joined(separator: "\n" + DocRunner.splitStatement + "\n") + "\n"
            let marker = head.marker
            let quoted = ([ "procsh", "--sandbox"] + marker.options + [name] + marker.args).map(DocRunner.quote)
            let last = members.last!
            var files = files(before: chain.head)
            files[name] = script
            runs.append(
                DocRun(
                    file: page.path, line: head.line, files: files, setup: marker.setup.map { [$0] } ?? [],
                    steps: [
                        Step(
                            command: "exec " + quoted.joined(separator: " "), stdin: marker.stdin,
                            checks: chain.members.map { luaCheck($0) }, exit: last.marker.exit ?? 0, exitLine: last.line,
                            shown: "procsh --sandbox \(name)")
                    ],
                    server: false, knownDefect: members.compactMap(\.marker.knownDefect).first))
        }
        runs.sort { $0.line < $1.line }
    }

    /// The check for an output block.
    static func check(_ fence: Fence, example: Int) -> Check {
        Check(
            shown: fence.lines.enumerated().map { ShownLine(text: $1, line: fence.pageLine(ofBodyLine: $0)) },
            shownAt: fence.line + 1, example: example)
    }

    /// The output a lua block shows in `--> text` comments: one per line of
    /// output, in order. The text ends at two spaces (a remark may follow).
    static func arrowLines(_ fence: Fence) -> [ShownLine] {
        fence.lines.enumerated().compactMap { i, line in
            guard let range = line.range(of: "--> ") ?? (line.hasSuffix("-->") ? line.range(of: "-->") : nil) else { return nil }
            var text = String(line[range.upperBound...])
            if let remark = text.range(of: "  ") { text = String(text[..<remark.lowerBound]) }
            return ShownLine(text: text, line: fence.pageLine(ofBodyLine: i))
        }
    }

    /// A transcript's commands (`$ command`, continued by a trailing `\`) and
    /// the output shown under each.
    static func transcriptSteps(
        _ fence: Fence, exit: Int32, stdin: String?, replace: (String) -> String
    ) -> [Step] {
        var steps: [Step] = []
        var i = 0
        let lines = fence.lines
        while i < lines.count {
            guard lines[i].hasPrefix("$ ") else {
                i += 1
                continue
            }
            let commandLine = fence.pageLine(ofBodyLine: i)
            var command = String(lines[i].dropFirst(2))
            while command.hasSuffix("\\"), i + 1 < lines.count {
                i += 1
                command += "\n" + lines[i]
            }
            i += 1
            var shown: [ShownLine] = []
            while i < lines.count, !lines[i].hasPrefix("$ ") {
                shown.append(ShownLine(text: lines[i], line: fence.pageLine(ofBodyLine: i)))
                i += 1
            }
            let check = Check(shown: shown, shownAt: shown.first?.line ?? commandLine, example: commandLine)
            steps.append(
                Step(command: replace(command), stdin: stdin, checks: [check], exit: 0, exitLine: commandLine, shown: command))
        }
        if !steps.isEmpty { steps[steps.count - 1].exit = exit }
        return steps
    }
}
