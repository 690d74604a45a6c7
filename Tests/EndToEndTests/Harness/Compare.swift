import Foundation
import Testing

// MARK: - Output transformations

/// Replaces every occurrence of each key with its value (longest keys first, so a path
/// that contains another is handled before it).
func normalise(_ text: String, replacing substitutions: [(String, String)]) -> String {
    var text = text
    for (from, to) in substitutions.sorted(by: { $0.0.count > $1.0.count }) where !from.isEmpty {
        text = text.replacingOccurrences(of: from, with: to)
    }
    return text
}

/// Debian's lua5.4 uses GNU readline, which echoes each input line after the prompt when
/// stdin is not a terminal (`> print(1)\n1\n`); plain lua.c (fputs + fgets) does not
/// (`> 1\n`). This removes the echo: for each input line, in order, the first occurrence of
/// `line + "\n"` that immediately follows one of `prompts` (a prompt not before the previous
/// removal point) is deleted. Lines never read by the REPL (never echoed) are skipped.
func removeReadlineEcho(from output: String, inputLines: [String], prompts: [String]) -> String {
    var bytes = Array(output.utf8)
    let promptBytes = prompts.map { Array($0.utf8) }.filter { !$0.isEmpty }
    var cursor = 0
    for line in inputLines {
        let needle = Array((line + "\n").utf8)
        var found: Int?
        var i = cursor
        while i + needle.count <= bytes.count {
            if bytes[i..<(i + needle.count)].elementsEqual(needle),
                promptBytes.contains(where: { p in
                    i - p.count >= cursor && bytes[(i - p.count)..<i].elementsEqual(p)
                })
            {
                found = i
                break
            }
            i += 1
        }
        if let start = found {
            bytes.removeSubrange(start..<(start + needle.count))
            cursor = start
        }
    }
    return String(decoding: bytes, as: UTF8.self)
}

/// The lines a REPL would read from `text` (a final newline does not start a new line).
func inputLines(of text: String) -> [String] {
    var lines = text.components(separatedBy: "\n")
    if lines.last == "" { lines.removeLast() }
    return lines
}

/// procsh prints its own version line before Lua's banner; drop it (exception 1).
func dropProcshVersionLine(_ stdout: String) -> String {
    guard stdout.hasPrefix("procsh ") else { return stdout }
    guard let newline = stdout.firstIndex(of: "\n") else { return "" }
    return String(stdout[stdout.index(after: newline)...])
}

// MARK: - Readable differences

/// A diff-ish description of two texts: the first differing line, then both in full.
func describeDifference(_ what: String, expected: String, actual: String) -> String {
    let e = expected.components(separatedBy: "\n")
    let a = actual.components(separatedBy: "\n")
    var firstDiff = 0
    while firstDiff < e.count, firstDiff < a.count, e[firstDiff] == a[firstDiff] { firstDiff += 1 }
    let eLine = firstDiff < e.count ? e[firstDiff].debugDescription : "<end of output>"
    let aLine = firstDiff < a.count ? a[firstDiff].debugDescription : "<end of output>"
    return """
        \(what) differs at line \(firstDiff + 1):
          lua5.4: \(eLine)
          procsh: \(aLine)
        ----- lua5.4 \(what) -----
        \(numbered(expected))
        ----- procsh \(what) -----
        \(numbered(actual))
        -----
        """
}

private func numbered(_ text: String) -> String {
    if text.isEmpty { return "   (empty)" }
    let lines = text.components(separatedBy: "\n")
    return lines.enumerated().map { index, line in
        if index == lines.count - 1 && line.isEmpty { return "   (ends with newline)" }
        return String(format: "%3d| ", index + 1) + line
    }.joined(separator: "\n")
}

// MARK: - Running both programs

/// The normalised results of running the same thing with lua5.4 and procsh.
struct Comparison: Sendable {
    var reference: ProcessResult
    var procsh: ProcessResult
}

/// The differences procsh is allowed (see the test plan's "Exceptions").
struct Allowances: Sendable {
    /// procsh prints a `procsh ...` line before Lua's version banner (exception 1).
    var versionLine = false
    /// procsh's usage text is lua5.4's plus line(s) mentioning `--help` (exception 2).
    var usageSuffix = false
    /// Interactive mode with piped stdin: un-echo lua5.4's readline output using these
    /// prompts (exception 3). nil: not interactive.
    var prompts: [String]? = nil

    static let exact = Allowances()
    static let version = Allowances(versionLine: true)
    static let usage = Allowances(usageSuffix: true)
    static let defaultPrompts = ["> ", ">> "]
    static func interactive(prompts: [String] = defaultPrompts) -> Allowances {
        Allowances(versionLine: true, prompts: prompts)
    }
}

/// Runs `program args` in a fresh directory holding `files`, with the clean base
/// environment plus `env`, and normalises the program's path to `<prog>` and the
/// directory to `<dir>`.
func runNormalised(
    _ program: String,
    _ args: [String],
    stdin: Stdin = .null,
    env: [String: String] = [:],
    files: [String: String] = [:],
    mergeStderr: Bool = false,
    timeout: Double = 10
) async throws -> ProcessResult {
    let dir = try makeTempDirectory(files: files)
    defer { try? FileManager.default.removeItem(at: dir) }
    var environment = baseEnvironment(home: dir.path)
    environment.merge(env) { _, new in new }
    var result = try await run(
        program, args, stdin: stdin, environment: environment, directory: dir,
        mergeStderrIntoStdout: mergeStderr, timeout: timeout)
    let subs = [(program, "<prog>"), (dir.path, "<dir>")]
    result.stdout = normalise(result.stdout, replacing: subs)
    result.stderr = normalise(result.stderr, replacing: subs)
    return result
}

/// Runs the same command line with lua5.4 and procsh (each in its own fresh directory
/// with the same files) and expects identical stdout, stderr and exit status, modulo the
/// given allowances.
@discardableResult
func compare(
    _ args: [String],
    stdin: Stdin = .null,
    env: [String: String] = [:],
    files: [String: String] = [:],
    mergeStderr: Bool = false,
    allowing allowances: Allowances = .exact,
    sourceLocation: SourceLocation = #_sourceLocation
) async throws -> Comparison {
    let referencePath = try Programs.reference()
    let procshPath = try Programs.procsh()
    async let refRun = runNormalised(
        referencePath, args, stdin: stdin, env: env, files: files, mergeStderr: mergeStderr)
    async let procshRun = runNormalised(
        procshPath, args, stdin: stdin, env: env, files: files, mergeStderr: mergeStderr)
    var ref = try await refRun
    var sh = try await procshRun

    let command = "args: \(args)"
        + (env.isEmpty ? "" : ", env: \(env.sorted { $0.key < $1.key })")
        + {
            if case .text(let t) = stdin { return ", stdin: \(t.debugDescription)" }
            return ""
        }()
    #expect(!ref.timedOut, "lua5.4 timed out (\(command))", sourceLocation: sourceLocation)
    #expect(!sh.timedOut, "procsh timed out (\(command))\n\(sh)", sourceLocation: sourceLocation)

    if allowances.versionLine {
        sh.stdout = dropProcshVersionLine(sh.stdout)
    }
    if let prompts = allowances.prompts, case .text(let text) = stdin {
        let lines = inputLines(of: text)
        ref.stdout = removeReadlineEcho(from: ref.stdout, inputLines: lines, prompts: prompts)
        if Programs.procshIsReference {
            // Harness validation run: "procsh" is readline lua5.4 and echoes too.
            sh.stdout = removeReadlineEcho(from: sh.stdout, inputLines: lines, prompts: prompts)
        }
    }

    #expect(
        sh.termination == ref.termination,
        "\(command): lua5.4 \(ref.termination), procsh \(sh.termination)",
        sourceLocation: sourceLocation)
    #expect(
        sh.stdout == ref.stdout,
        "\(command)\n\(describeDifference("stdout", expected: ref.stdout, actual: sh.stdout))",
        sourceLocation: sourceLocation)
    if allowances.usageSuffix {
        #expect(
            sh.stderr.hasPrefix(ref.stderr),
            """
            \(command): procsh's stderr must start with lua5.4's (usage + extra lines)
            \(describeDifference("stderr", expected: ref.stderr, actual: sh.stderr))
            """,
            sourceLocation: sourceLocation)
        if !Programs.procshIsReference {
            let extra = sh.stderr.hasPrefix(ref.stderr) ? String(sh.stderr.dropFirst(ref.stderr.count)) : sh.stderr
            #expect(
                extra.contains("--help"),
                "\(command): procsh's usage must end with extra line(s) mentioning --help; extra part: \(extra.debugDescription)",
                sourceLocation: sourceLocation)
        }
    } else {
        #expect(
            sh.stderr == ref.stderr,
            "\(command)\n\(describeDifference("stderr", expected: ref.stderr, actual: sh.stderr))",
            sourceLocation: sourceLocation)
    }
    return Comparison(reference: ref, procsh: sh)
}
