import Foundation

/// An error in the test harness itself (a missing program, a timeout, ...).
/// Thrown from a test, its description is what Swift Testing reports.
struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Where the two programs under comparison live.
enum Programs {
    /// The package root, derived from this file's path:
    /// <root>/Tests/EndToEndTests/Harness/Programs.swift.
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Harness
        .deletingLastPathComponent()  // EndToEndTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // <root>

    /// `PROCSH_BIN` if set (and non-empty), else `<root>/.build/debug/procsh`.
    static let procshPath: String = {
        if let bin = ProcessInfo.processInfo.environment["PROCSH_BIN"], !bin.isEmpty {
            return absolute(bin)
        }
        return packageRoot.appendingPathComponent(".build/debug/procsh").path
    }()

    /// `lua5.4` looked up in the test process's PATH (normally /usr/bin/lua5.4).
    static let referencePath: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") where !dir.isEmpty {
            let candidate = absolute(String(dir) + "/lua5.4")
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }()

    /// The procsh binary, or a clear error telling how to get it.
    static func procsh() throws -> String {
        guard FileManager.default.isExecutableFile(atPath: procshPath) else {
            if ProcessInfo.processInfo.environment["PROCSH_BIN"].map({ !$0.isEmpty }) == true {
                throw HarnessError("PROCSH_BIN=\(procshPath) is not an executable file")
            }
            throw HarnessError(
                "procsh binary not found at \(procshPath): run `swift build` first (or set PROCSH_BIN)")
        }
        return procshPath
    }

    /// The reference interpreter, or a clear error telling how to get it.
    static func reference() throws -> String {
        guard let path = referencePath else {
            throw HarnessError(
                "lua5.4 not found in PATH: `scripts/setup` installs it (Debian package lua5.4)")
        }
        return path
    }

    /// The project's own Python (`<root>/.venv`, made by `scripts/setup test`), which has
    /// the packages the Python helpers import; never the system's, which may have none.
    static func python() throws -> String {
        let path = packageRoot.appendingPathComponent(".venv/bin/python").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw HarnessError("\(path) not found: `scripts/setup test` makes the project's Python environment")
        }
        return path
    }

    /// True when PROCSH_BIN is the reference interpreter itself (harness validation run:
    /// `PROCSH_BIN=/usr/bin/lua5.4 swift test`). Then procsh-only checks are skipped and
    /// procsh's interactive output is un-echoed like the reference's (it *is* readline lua).
    static let procshIsReference: Bool = {
        guard let ref = referencePath else { return false }
        return realpath(procshPath) == realpath(ref)
    }()

    private static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            .appendingPathComponent(path).standardizedFileURL.path
    }

    private static func realpath(_ path: String) -> String {
        URL(fileURLWithPath: path).resolvingSymlinksInPath().path
    }
}
