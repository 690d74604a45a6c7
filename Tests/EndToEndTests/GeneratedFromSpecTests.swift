import Foundation
import Testing

/// The Swift derived from openapi.yaml (scripts/generate-api) is what the
/// document gives, and the check that says so fails when a derived file is
/// edited by hand or the document is edited without regenerating.
@Suite("Generated from openapi.yaml")
struct GeneratedFromSpecTests {
    static let generated = [
        "Sources/ProcessesAPI/Generated/APIOperation+Document.swift",
        "Sources/ProcessesAPI/Generated/APISchema+Document.swift",
        "Sources/ProcessesAPI/Generated/ProcessesClient+Operations.swift",
        "Sources/Sandbox/Generated/RequestBodyTypes.swift",
    ]

    /// Runs the generator's check on a tree holding openapi.yaml and the generated files.
    static func check(root: URL) async throws -> ProcessResult {
        let script = Programs.packageRoot.appendingPathComponent("scripts/generate_api.py").path
        return try await run(
            try Programs.python(), [script, root.path, "--check"], environment: ProcessInfo.processInfo.environment,
            directory: root, timeout: 60)
    }

    /// A copy of the document and the generated files, with `edit` applied to the file at `path`.
    static func copy(editing path: String, _ edit: (String) -> String) throws -> URL {
        var files: [String: String] = [:]
        for name in ["openapi.yaml"] + generated {
            let text = try String(contentsOf: Programs.packageRoot.appendingPathComponent(name), encoding: .utf8)
            files[name] = name == path ? edit(text) : text
        }
        return try makeTempDirectory(files: files)
    }

    @Test("the committed files are what openapi.yaml gives")
    func committedFilesAreCurrent() async throws {
        let result = try await Self.check(root: Programs.packageRoot)
        #expect(result.termination == .exit(0), "run scripts/generate-api: \(result)")
    }

    @Test("a derived file edited by hand fails the check, which names it", arguments: generated)
    func aHandEditFails(path: String) async throws {
        let root = try Self.copy(editing: path) { $0.replacingOccurrences(of: "APIOperation", with: "APIOperatoin") + "// edited\n" }
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try await Self.check(root: root)
        #expect(result.termination == .exit(1), "\(result)")
        #expect(result.stderr.contains("\(path) differs from openapi.yaml; run scripts/generate-api"), "\(result)")
    }

    @Test("openapi.yaml edited without regenerating fails the check")
    func aDocumentEditFails() async throws {
        let root = try Self.copy(editing: "openapi.yaml") {
            $0.replacingOccurrences(of: "- oauth2ClientCredentials: ['file:write']", with: "- oauth2ClientCredentials: ['file:read']")
        }
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try await Self.check(root: root)
        #expect(result.termination == .exit(1), "\(result)")
        #expect(result.stderr.contains("Sources/ProcessesAPI/Generated/APIOperation+Document.swift differs"), "\(result)")
        #expect(result.stderr.contains("+        scope: \"file:read\","), "the difference is shown: \(result)")
    }
}
