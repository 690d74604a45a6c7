import Foundation
import Testing

/// The examples of README.md and docs/*.md, run as a reader would run them,
/// and compared with the output the pages show (docs/writing-docs.md).
@Suite("The docs' examples", .enabled(if: !Programs.procshIsReference, "procsh's own API and options"))
struct DocExamplesTests {
    static let pages = DocPages.all()
    static let plans = pages.map(DocPlan.init)
    static let runs = plans.flatMap(\.runs)

    @Test("each example does what its page shows", arguments: runs)
    func example(_ run: DocRun) async throws {
        if let defect = run.knownDefect {
            await withKnownIssue(
                "\(run.file):\(run.line): known defect: \(defect)", sourceLocation: DocRunner.location(run.file, run.line)
            ) {
                try await DocRunner.execute(run)
            }
        } else {
            try await DocRunner.execute(run)
        }
    }

    @Test("every example runs, or its marker says why not")
    func markers() {
        #expect(Self.pages.count > 3, "README.md and docs/*.md were not found under \(Programs.packageRoot.path)")
        for (page, plan) in zip(Self.pages, Self.plans) {
            for (line, problem) in plan.problems {
                Issue.record("\(page.path):\(line): \(problem)", sourceLocation: DocRunner.location(page.path, line))
            }
            let compared = plan.runs.flatMap(\.steps).flatMap(\.checks).compactMap { $0 }.count
            print(
                "doc examples: \(page.path): \(plan.count.run) run (\(compared) outputs compared), \(plan.count.notRun) marked not run")
        }
    }

    @Test("the docs' tables of options and settings, and the completion scripts, are what procsh knows")
    func optionTables() async throws {
        let help = try await run(
            try Programs.procsh(), ["--help"], environment: baseEnvironment(home: NSTemporaryDirectory()),
            directory: Programs.packageRoot)
        #expect(help.termination == .exit(0), "\(help)")
        let luaOptions = Self.helpOptions(help.stdout, section: "Lua's options:")
        let ownOptions = Self.helpOptions(help.stdout, section: "procsh's options")
        #expect(luaOptions.count >= 8 && ownOptions.count >= 10, "the sections of --help were not found:\n\(help.stdout)")

        for (file, header, expected) in [
            ("README.md", "| option | what it does |", luaOptions.union(ownOptions)),
            ("docs/lua-api.md", "| option | meaning |", ownOptions),
        ] {
            let text = try String(contentsOf: Programs.packageRoot.appendingPathComponent(file), encoding: .utf8)
            guard let (line, documented) = Self.tableOptions(text, header: header) else {
                Issue.record("\(file): no options table (a table whose header is \(header))")
                continue
            }
            let missing = expected.subtracting(documented).sorted()
            let extra = documented.subtracting(expected).sorted()
            #expect(
                missing.isEmpty, "\(file):\(line): the options table lacks \(missing.joined(separator: ", ")), which procsh --help lists",
                sourceLocation: DocRunner.location(file, line))
            #expect(
                extra.isEmpty, "\(file):\(line): the options table lists \(extra.joined(separator: ", ")), which procsh --help does not",
                sourceLocation: DocRunner.location(file, line))
        }

        // docs/sandbox.md's table of `procsh sandbox serve`'s options.
        let serveHelp = try await run(
            try Programs.procsh(), ["sandbox", "serve", "--help"],
            environment: baseEnvironment(home: NSTemporaryDirectory()), directory: Programs.packageRoot)
        let serveOptions = Self.helpOptions(serveHelp.stdout, section: "OPTIONS:").filter { $0.hasPrefix("--") }
            .subtracting(["--help"])
        #expect(serveOptions.count >= 5, "procsh sandbox serve --help lists no options:\n\(serveHelp)")
        let sandboxPage = try String(
            contentsOf: Programs.packageRoot.appendingPathComponent("docs/sandbox.md"), encoding: .utf8)
        if let (line, documented) = Self.tableOptions(sandboxPage, header: "| option | default |") {
            #expect(
                documented == serveOptions,
                """
                docs/sandbox.md:\(line): the table of procsh sandbox serve's options lacks \
                \(serveOptions.subtracting(documented).sorted()) and lists \(documented.subtracting(serveOptions).sorted()), \
                against procsh sandbox serve --help
                """,
                sourceLocation: DocRunner.location("docs/sandbox.md", line))
        } else {
            Issue.record("docs/sandbox.md: no table of procsh sandbox serve's options (header | option | default |)")
        }

        // docs/cron.md's table of profile settings, against the list procsh gives
        // for an unknown one.
        let home = try makeTempDirectory()
        defer { try? FileManager.default.removeItem(at: home) }
        let settingsList = try await run(
            try Programs.procsh(), ["config", "set", "docs-check", "no-such-setting", "x"],
            environment: baseEnvironment(home: home.path), directory: home)
        let settings = Set(
            settingsList.stderr.split(separator: "\n").filter { $0.hasPrefix("  ") && $0.contains("\t") }
                .compactMap { $0.split(separator: "\t").first?.trimmingCharacters(in: .whitespaces) })
        #expect(settings.count >= 5, "procsh config set with an unknown setting lists none: \(settingsList)")
        let cronPage = try String(contentsOf: Programs.packageRoot.appendingPathComponent("docs/cron.md"), encoding: .utf8)
        if let (line, documented) = Self.tableCells(cronPage, header: "| setting |") {
            #expect(
                documented == settings,
                """
                docs/cron.md:\(line): the table of settings lacks \(settings.subtracting(documented).sorted()) and lists \
                \(documented.subtracting(settings).sorted()), against the settings procsh config knows
                """,
                sourceLocation: DocRunner.location("docs/cron.md", line))
        } else {
            Issue.record("docs/cron.md: no table of settings (header | setting |)")
        }

        // The completion scripts are generated text too: each offers every option.
        for shell in ["bash", "zsh", "fish"] {
            let script = try await run(
                try Programs.procsh(), ["completion", shell], environment: baseEnvironment(home: NSTemporaryDirectory()),
                directory: Programs.packageRoot)
            let offered = shell == "fish"
                ? Set(script.stdout.split(separator: "\n").compactMap { line -> String? in
                    let words = line.split(separator: " ")
                    guard let l = words.firstIndex(of: "-l"), l + 1 < words.count else { return nil }
                    return "--" + words[l + 1]
                })
                : Set(Self.words(script.stdout).filter { $0.hasPrefix("--") && $0.count > 2 })
            let missing = ownOptions.subtracting(offered).sorted()
            #expect(missing.isEmpty, "procsh completion \(shell) does not offer \(missing.joined(separator: ", "))")
        }
    }

    /// The words of a text that are options (`--name`), wherever they stand.
    static func words(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        for c in text {
            if c.isLetter || c.isNumber || c == "-" {
                current.append(c)
            } else {
                if !current.isEmpty { words.append(current) }
                current = ""
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    @Test("shown output: placeholders and elided lines")
    func placeholders() {
        #expect(ShownOutput.compare(shown: ["a", "b"], printed: "a\nb\n") == nil)
        #expect(ShownOutput.compare(shown: ["a", "b"], printed: "a\nc\n")?.shownIndex == 1)
        #expect(ShownOutput.compare(shown: ["a"], printed: "a\nb\n")?.shownIndex == 1)
        #expect(ShownOutput.compare(shown: ["2026-11-29T12:41:59Z info: x"], printed: "2030-01-02T03:04:05Z info: x\n") == nil)
        #expect(ShownOutput.compare(shown: ["http://127.0.0.1:8080/x"], printed: "http://127.0.0.1:41234/x") == nil)
        #expect(ShownOutput.compare(shown: ["took <n> ms on <date>", "<any>!"], printed: "took 12.5 ms on 2026-12-06\nwell!") == nil)
        #expect(ShownOutput.compare(shown: ["a", "...", "z"], printed: "a\nb\nc\nz") == nil)
        #expect(ShownOutput.compare(shown: ["a", "...", "z"], printed: "a\nz") == nil)
        #expect(ShownOutput.compare(shown: ["a", "...", "z"], printed: "a\nb") != nil)
        #expect(ShownOutput.compare(shown: ["x  "], printed: "x") == nil, "trailing blanks do not count")
        let arrows = DocPlan.arrowLines(
            Fence(
                file: "f.md", line: 10, language: "lua",
                lines: ["print(1, 2)   --> 1\t2   (a remark)", "print(3)", "--> 3"], marker: Marker(), markerLine: nil,
                followsPreviousFence: false))
        #expect(arrows.map(\.text) == ["1\t2", "3"])
        #expect(arrows.map(\.line) == [11, 13])
    }

    /// The options of one section of `procsh --help` (lines `  -x ...`).
    static func helpOptions(_ help: String, section: String) -> Set<String> {
        var options: Set<String> = []
        var inside = false
        for line in help.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix(section) {
                inside = true
                continue
            }
            guard inside else { continue }
            if line.isEmpty { break }
            let trimmed = line.drop(while: { $0 == " " })
            guard line.hasPrefix("  "), trimmed.hasPrefix("-"), let word = trimmed.split(separator: " ").first else { continue }
            options.insert(String(word))
        }
        return options
    }

    /// The backquoted words of the first column of the table under `header`.
    static func tableCells(_ text: String, header: String) -> (Int, Set<String>)? {
        let lines = text.components(separatedBy: "\n")
        guard let start = lines.firstIndex(where: { $0.hasPrefix(header) }) else { return nil }
        var cells: Set<String> = []
        for row in lines[(start + 2)...] {
            guard row.hasPrefix("|") else { break }
            let cell = row.dropFirst().split(separator: "|", omittingEmptySubsequences: false).first ?? ""
            for (i, part) in cell.components(separatedBy: "`").enumerated() where i % 2 == 1 { cells.insert(part) }
        }
        return (start + 1, cells)
    }

    /// The options named in the first column of the table under `header`
    /// (each backquoted word that starts with `-`), and the header's line.
    static func tableOptions(_ text: String, header: String) -> (Int, Set<String>)? {
        let lines = text.components(separatedBy: "\n")
        guard let start = lines.firstIndex(where: { $0.hasPrefix(header) }) else { return nil }
        var options: Set<String> = []
        for row in lines[(start + 2)...] {
            guard row.hasPrefix("|") else { break }
            // `\|` inside a cell is an escaped bar, part of the cell.
            let cells = row.replacingOccurrences(of: "\\|", with: "/").dropFirst()
            let cell = String(cells.split(separator: "|", omittingEmptySubsequences: false).first ?? "")
            for (i, part) in cell.components(separatedBy: "`").enumerated() where i % 2 == 1 {
                guard part.hasPrefix("-"), let word = part.split(separator: " ").first else { continue }
                options.insert(String(word.split(separator: "=").first ?? word))
            }
        }
        return (start + 1, options)
    }
}
