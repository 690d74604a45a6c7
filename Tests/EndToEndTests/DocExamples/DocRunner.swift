import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Runs a page's examples as its reader would: bash in a fresh directory,
/// `procsh` on PATH (the built one), a HOME of its own, and standard output
/// line-buffered and merged with standard error, as a terminal shows them.
enum DocRunner {
    /// Written between the blocks of a chain: it marks where one block's
    /// output ends (stdout flushed first, so the merged stream is in order).
    static let splitMark = "\u{1}DOC-EXAMPLE-SPLIT\u{1}"
    static let splitStatement = #"io.stdout:flush() io.stderr:write("\1DOC-EXAMPLE-SPLIT\1")"#

    /// A directory holding `procsh`, a link to the binary under test.
    static let binDirectory: Result<String, HarnessError> = {
        do {
            let procsh = try Programs.procsh()
            let dir = try makeTempDirectory()
            try FileManager.default.createSymbolicLink(
                atPath: dir.appendingPathComponent("procsh").path, withDestinationPath: procsh)
            return .success(dir.path)
        } catch let error as HarnessError {
            return .failure(error)
        } catch {
            return .failure(HarnessError("cannot make the doc examples' bin directory: \(error)"))
        }
    }()

    /// A word for bash, quoted when it needs to be.
    static func quote(_ word: String) -> String {
        let safe = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:@,+%")
        if !word.isEmpty, word.unicodeScalars.allSatisfy(safe.contains) { return word }
        return "'" + word.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }

    static func environment(home: String, bin: String, tmp: String) -> [String: String] {
        var env = [
            "PATH": "\(bin):/usr/local/bin:/usr/bin:/bin",
            "HOME": home,
            "TMPDIR": tmp,
            "LANG": "C",
        ]
        // stdbuf's way: standard output line-buffered, as on a terminal.
        let stdbuf = "/usr/libexec/coreutils/libstdbuf.so"
        if FileManager.default.fileExists(atPath: stdbuf) {
            env["LD_PRELOAD"] = stdbuf
            env["_STDBUF_O"] = "L"
        }
        return env
    }

    /// Runs `run` and records an issue, at the page's line, for each way it
    /// does not do what its page shows.
    static func execute(_ run: DocRun) async throws {
        let bin = try binDirectory.get()
        let dir = try makeTempDirectory(files: run.files)
        defer { try? FileManager.default.removeItem(at: dir) }
        let home = dir.appendingPathComponent(".home")
        let tmp = dir.appendingPathComponent(".tmp")
        for d in [home, tmp] { try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true) }
        for name in ["scripts", "Tests"] {
            try FileManager.default.createSymbolicLink(
                atPath: dir.appendingPathComponent(name).path,
                withDestinationPath: Programs.packageRoot.appendingPathComponent(name).path)
        }
        let env = environment(home: home.path, bin: bin, tmp: tmp.path)

        var server: RunningProcess?
        var address = "127.0.0.1:8080"
        if run.server {
            let started = try await startServer(env: env, dir: dir)
            server = started.0
            address = started.1
        }
        defer { if let server { server.send(SIGKILL) } }

        for command in run.setup {
            let r = try await bash(command, stdin: nil, env: env, dir: dir)
            if r.termination != .exit(0) {
                Issue.record("\(run.file):\(run.line): the setup `\(command)` failed: \(r)", sourceLocation: location(run.file, run.line))
            }
        }
        for step in run.steps {
            let command = step.command.replacingOccurrences(of: "127.0.0.1:8080", with: address)
            let r = try await bash(command, stdin: step.stdin, env: env, dir: dir)
            var printed = r.stdout
            for (path, name) in [(home.path, "~"), (dir.path, "<dir>")] {
                printed = printed.replacingOccurrences(of: path, with: name)
            }
            let parts = printed.components(separatedBy: splitMark)
            if ProcessInfo.processInfo.environment["PROCSH_DOC_EXAMPLES_SHOW"] != nil {
                print("doc example \(run.file):\(step.exitLine): `\(step.shown)`: \(r.termination)\n\(printed)")
            }
            if r.timedOut {
                Issue.record(
                    "\(run.file):\(step.exitLine): `\(step.shown)` did not finish in time\n\(printed)",
                    sourceLocation: location(run.file, step.exitLine))
            }
            if r.termination != .exit(step.exit) {
                Issue.record(
                    """
                    \(run.file):\(step.exitLine): `\(step.shown)` ended with \(r.termination), but the page expects exit status \(step.exit)\
                    \(step.exit == 0 ? "" : " (`<!-- example: exit \(step.exit) -->`)")
                    ----- it printed -----
                    \(ShownOutput.numbered(ShownOutput.lines(printed.replacingOccurrences(of: splitMark, with: "\n"))))
                    """,
                    sourceLocation: location(run.file, step.exitLine))
            }
            for (index, check) in step.checks.enumerated() {
                guard let check else { continue }
                guard index < parts.count else {
                    Issue.record(
                        "\(run.file):\(check.example): the example did not run (an earlier block of its chain ended the script)",
                        sourceLocation: location(run.file, check.example))
                    continue
                }
                report(check, printed: parts[index], file: run.file, command: step.shown)
            }
        }
        if let server {
            server.send(SIGTERM)
            _ = await server.wait(timeout: 10)
        }
    }

    /// Records a mismatch between `check`'s shown lines and `printed`.
    static func report(_ check: Check, printed: String, file: String, command: String) {
        let shown = check.shown.map(\.text)
        guard let mismatch = ShownOutput.compare(shown: shown, printed: printed) else { return }
        let normalisedShown = ShownOutput.lines(ShownOutput.normalise(shown.joined(separator: "\n")))
        let line: Int
        let shownText: String
        if mismatch.shownIndex < check.shown.count, mismatch.shownIndex < normalisedShown.count {
            line = check.shown[mismatch.shownIndex].line
            shownText = normalisedShown[mismatch.shownIndex].debugDescription
        } else {
            line = (check.shown.last?.line ?? check.shownAt) + 1
            shownText = "<end of the shown output>"
        }
        let printedLines = ShownOutput.lines(ShownOutput.normalise(printed))
        Issue.record(
            """
            \(file):\(line): the output of the example at \(file):\(check.example) differs from what the page shows
              shown:   \(shownText)
              printed: \(mismatch.printed?.debugDescription ?? "<end of the output>")
            ----- shown (\(file):\(check.shownAt)) -----
            \(ShownOutput.numbered(normalisedShown, from: check.shown.first?.line))
            ----- printed by `\(command)` -----
            \(ShownOutput.numbered(printedLines))
            -----
            """,
            sourceLocation: location(file, line))
    }

    /// A source location in a page, so that failures point at the page's line.
    static func location(_ file: String, _ line: Int) -> SourceLocation {
        let path = Programs.packageRoot.appendingPathComponent(file).path
        return SourceLocation(
            fileID: "EndToEndTests/" + (file.split(separator: "/").last.map(String.init) ?? file), filePath: path,
            line: max(line, 1), column: 1)
    }

    static func bash(_ command: String, stdin: String?, env: [String: String], dir: URL) async throws -> ProcessResult {
        // timeout(1) runs bash in a process group of its own and ends the whole
        // group when the time is up: a server an example starts goes with it.
        try await EndToEndTests.run(
            "/usr/bin/timeout", ["-k", "5", "45", "/bin/bash", "-c", command], stdin: stdin.map { .text($0) } ?? .null, environment: env, directory: dir,
            mergeStderrIntoStdout: true, timeout: 60)
    }

    /// Starts `procsh sandbox serve --port 0 --quiet` and returns it with its
    /// address (`127.0.0.1:PORT`).
    static func startServer(env: [String: String], dir: URL) async throws -> (RunningProcess, String) {
        let server = try RunningProcess(
            executable: try Programs.procsh(), arguments: ["sandbox", "serve", "--port", "0", "--quiet"],
            environment: env, directory: dir)
        guard await server.waitForStdout(containing: "listening on http://", timeout: 20),
            let line = server.stdoutSoFar.split(separator: "\n").first(where: { $0.contains("listening on http://") }),
            let url = line.split(separator: " ").last
        else {
            server.send(SIGKILL)
            throw HarnessError("the sandbox did not start: \(server.stdoutSoFar) \(server.stderrSoFar)")
        }
        return (server, String(url.dropFirst("http://".count)))
    }
}
