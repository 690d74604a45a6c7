import Foundation
import Testing

/// The bindings' Lua chunks live in Sources/Bindings/Lua/*.lua, compiled
/// into procsh by the EmbedLua build plugin: each is valid Lua, and procsh
/// runs the file's text, not a copy of it.
@Suite("Embedded Lua")
struct EmbeddedLuaTests {
    static let directory = "Sources/Bindings/Lua"

    static var files: [String] {
        get throws {
            try FileManager.default.contentsOfDirectory(atPath: Programs.packageRoot.appendingPathComponent(directory).path)
                .filter { $0.hasSuffix(".lua") }.sorted()
        }
    }

    @Test("each .lua file compiles", arguments: try files)
    func compiles(name: String) async throws {
        let path = Programs.packageRoot.appendingPathComponent("\(Self.directory)/\(name)").path
        let result = try await run(
            try Programs.procsh(), ["-e", "assert(loadfile([[\(path)]]))"], environment: baseEnvironment(home: "/tmp"),
            directory: Programs.packageRoot, timeout: 60)
        #expect(result.termination == .exit(0), "\(name): \(result)")
    }

    @Test("the chunks procsh runs are the files' text")
    func theBinaryHoldsTheFiles() throws {
        #expect(try Self.files == ["help.lua", "inspect.lua", "log.lua", "tree_walkers.lua"])
        let binary = try Data(contentsOf: URL(fileURLWithPath: try Programs.procsh()))
        for name in try Self.files {
            let text = try String(contentsOf: Programs.packageRoot.appendingPathComponent("\(Self.directory)/\(name)"), encoding: .utf8)
            // Its last line carries no final newline in the literal.
            let body = Data(text.dropLast(text.hasSuffix("\n") ? 1 : 0).utf8)
            #expect(binary.range(of: body) != nil, "\(name) is not in procsh as it is in the file: rebuild")
        }
    }
}
