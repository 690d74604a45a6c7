import Foundation
import Testing

/// The module graph of docs/architecture.md, kept by reading the sources'
/// imports: a module may import only the modules of this package listed for
/// it. A new edge is a decision, made here and in the document together.
@Suite("Architecture rules")
struct ArchitectureRulesTests {
    /// The package's own modules each module may import (system and package
    /// dependencies such as Foundation or Hummingbird are not listed).
    static let allowed: [String: Set<String>] = [
        "JSON": [],
        // Only LuaKit touches the Lua C API, so no Lua error can longjmp through other Swift code.
        "LuaKit": ["CLua", "CLuaShim", "JSON"],
        // The client knows nothing of Lua.
        "ProcessesAPI": ["JSON"],
        // The sandbox knows nothing of Lua or of the bindings.
        "Sandbox": ["ProcessesAPI", "JSON"],
        // lua.c's prompt: Lua through LuaKit, line editing through CLineEdit; nothing of Workiva.
        "REPL": ["LuaKit", "CLineEdit"],
        "Bindings": ["LuaKit", "JSON", "ProcessesAPI"],
        "procsh": ["LuaKit", "REPL", "Bindings", "ProcessesAPI", "Sandbox", "JSON"],
        "sandbox-bench": ["Sandbox", "ProcessesAPI", "JSON"],
        // The EmbedLua build plugin's tool: a program of its own.
        "embed-lua": [],
    ]

    /// The package's own modules: the folders of Sources.
    static var modules: [String] {
        get throws {
            try FileManager.default.contentsOfDirectory(atPath: Programs.packageRoot.appendingPathComponent("Sources").path)
                .filter { !$0.hasPrefix(".") }.sorted()
        }
    }

    /// `import X` / `@testable import X` lines of every Swift file under `Sources/<module>`, by file.
    static func imports(of module: String) throws -> [(file: String, module: String)] {
        let root = Programs.packageRoot.appendingPathComponent("Sources/\(module)")
        guard let files = FileManager.default.enumerator(atPath: root.path) else { return [] }
        var found: [(String, String)] = []
        for case let path as String in files where path.hasSuffix(".swift") {
            let text = try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
            for line in text.split(separator: "\n") {
                let words = line.split(separator: " ")
                guard let at = words.firstIndex(of: "import"), words[..<at].allSatisfy({ $0.hasPrefix("@") }), at + 1 < words.count
                else { continue }
                found.append(("Sources/\(module)/\(path)", String(words[at + 1])))
            }
        }
        return found
    }

    @Test("every module imports only the modules of the package it may")
    func importsFollowTheRules() throws {
        let ours = Set(try Self.modules.map { $0.replacingOccurrences(of: "-", with: "_") })
        for module in try Self.modules where !["CLua", "CLuaShim", "CLineEdit"].contains(module) {
            let allowed = try #require(Self.allowed[module], "Sources/\(module) is not in the rules: add it here and to docs/architecture.md")
            for (file, imported) in try Self.imports(of: module) where ours.contains(imported) {
                #expect(allowed.contains(imported), "\(file) imports \(imported), which \(module) may not (docs/architecture.md)")
            }
        }
    }

    @Test("the rules' own check fails on a broken rule")
    func theCheckSeesAnImport() throws {
        // REPL imports LuaKit: the reader finds it, so a forbidden import would be found too.
        #expect(try Self.imports(of: "REPL").contains { $0.module == "LuaKit" })
        #expect(try Self.imports(of: "LuaKit").contains { $0.module == "CLua" })
        #expect(Self.allowed["ProcessesAPI"]?.contains("LuaKit") == false)
    }

    @Test("LuaKit hands no raw lua_State to other modules")
    func noPublicRawState() throws {
        let root = Programs.packageRoot.appendingPathComponent("Sources/LuaKit")
        let files = FileManager.default.enumerator(atPath: root.path)
        for case let path as String in files! where path.hasSuffix(".swift") {
            let text = try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
            for line in text.split(separator: "\n") where line.contains("public") && line.contains("OpaquePointer") {
                Issue.record("Sources/LuaKit/\(path) makes a raw pointer public: \(line.trimmingCharacters(in: .whitespaces))")
            }
        }
    }
}
