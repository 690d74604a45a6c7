import Foundation
import Testing

/// `procsh completion bash|zsh|fish`: scripts each shell accepts, that offer
/// procsh's options, their values and the subcommands.
@Suite("Shell completion", .enabled(if: !Programs.procshIsReference, "procsh's own subcommand"))
struct CompletionTests {
    static func script(_ shell: String) async throws -> (URL, ProcessResult) {
        let dir = try makeTempDirectory()
        let r = try await run(try Programs.procsh(), ["completion", shell], environment: baseEnvironment(home: dir.path), directory: dir)
        let file = dir.appendingPathComponent("procsh.\(shell)")
        try Data(r.stdout.utf8).write(to: file)
        return (file, r)
    }

    @Test("each shell parses its script", arguments: [("bash", ["-n"]), ("zsh", ["-n"]), ("fish", ["--no-execute"])])
    func parses(shell: String, check: [String]) async throws {
        let (file, r) = try await Self.script(shell)
        #expect(r.termination == .exit(0), "\(r)")
        let checked = try await run("/usr/bin/\(shell)", check + [file.path], environment: baseEnvironment(home: "/tmp"), directory: file.deletingLastPathComponent())
        #expect(checked.termination == .exit(0), "\(checked)")
    }

    @Test("bash completes options, their values and subcommands")
    func bash() async throws {
        let (file, _) = try await Self.script("bash")
        func complete(_ words: [String]) async throws -> String {
            let line = words.map { "'\($0)'" }.joined(separator: " ")
            let code = "source '\(file.path)'; COMP_WORDS=(\(line)); COMP_CWORD=\(words.count - 1); _procsh; echo \"${COMPREPLY[*]}\""
            return try await run("/bin/bash", ["-c", code], environment: baseEnvironment(home: "/tmp"), directory: file.deletingLastPathComponent()).stdout
        }
        #expect(try await complete(["procsh", "--reg"]) == "--region\n")
        #expect(try await complete(["procsh", "--region", ""]) == "us eu apac\n")
        #expect(try await complete(["procsh", "--log-format", "j"]) == "json\n")
        #expect(try await complete(["procsh", "config", "s"]) == "set show\n")
        #expect(try await complete(["procsh", "--time"]) == "--timeout\n")
    }

    @Test("fish completes the same")
    func fish() async throws {
        let (file, _) = try await Self.script("fish")
        let r = try await run(
            "/usr/bin/fish", ["-c", "source '\(file.path)'; complete -C 'procsh --region '"], environment: baseEnvironment(home: "/tmp"),
            directory: file.deletingLastPathComponent())
        #expect(r.stdout.split(separator: "\n").map { String($0.split(separator: "\t").first ?? "") }.sorted() == ["apac", "eu", "us"], "\(r)")
    }

    @Test("every option in --help is in the completion scripts")
    func coversHelp() async throws {
        let help = try await run(try Programs.procsh(), ["--help"], environment: baseEnvironment(home: "/tmp"), directory: Programs.packageRoot).stdout
        let (file, _) = try await Self.script("bash")
        let script = try String(contentsOf: file, encoding: .utf8)
        let options = help.split(separator: "\n").compactMap { line -> String? in
            let word = line.trimmingCharacters(in: .whitespaces).split(separator: " ").first.map(String.init) ?? ""
            return word.hasPrefix("--") && word.count > 2 ? word : nil
        }
        #expect(options.count >= 15, "\(options)")
        for option in options {
            #expect(script.contains(option), "\(option) is missing from the bash completion")
        }
    }

    @Test("an unknown shell is a usage error")
    func unknownShell() async throws {
        let r = try await run(try Programs.procsh(), ["completion", "tcsh"], environment: baseEnvironment(home: "/tmp"), directory: Programs.packageRoot)
        #expect(r.termination == .exit(64), "\(r)")
        #expect(r.stderr.contains("usage: procsh completion bash|zsh|fish"), "\(r)")
    }
}
