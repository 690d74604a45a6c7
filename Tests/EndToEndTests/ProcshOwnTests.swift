import Foundation
import Testing

/// procsh's own options (exception 4), not compared with lua5.4. Skipped when PROCSH_BIN
/// is lua5.4 itself (the harness validation run).
@Suite("procsh's own options", .enabled(if: !Programs.procshIsReference, "PROCSH_BIN is lua5.4 itself"))
struct ProcshOwnTests {

    @Test("--help exits 0 and describes -e stat and --version")
    func help() async throws {
        let r = try await runNormalised(try Programs.procsh(), ["--help"])
        #expect(r.termination == .exit(0), "\(r)")
        let text = r.stdout + r.stderr
        #expect(text.contains("-e stat"), "--help output should mention '-e stat':\n\(r)")
        #expect(text.contains("--version"), "--help output should mention '--version':\n\(r)")
    }

    @Test("--version exits 0 and its first line starts with 'procsh '")
    func version() async throws {
        let r = try await runNormalised(try Programs.procsh(), ["--version"])
        #expect(r.termination == .exit(0), "\(r)")
        #expect(r.stdout.hasPrefix("procsh "), "first stdout line should start with 'procsh ':\n\(r)")
    }

    @Test("-v prints procsh's own line, then Lua's banner exactly")
    func dashV() async throws {
        let r = try await runNormalised(try Programs.procsh(), ["-v"])
        let lines = r.stdout.components(separatedBy: "\n")
        #expect(r.termination == .exit(0), "\(r)")
        #expect(lines.count == 3, "expected two lines:\n\(r)")
        #expect(lines.first?.hasPrefix("procsh ") == true, "\(r)")
        #expect(lines.dropFirst().first == "Lua 5.4.4  Copyright (C) 1994-2022 Lua.org, PUC-Rio", "\(r)")
    }

    @Test("usage on a bad option mentions --help after lua5.4's text")
    func usageMentionsHelp() async throws {
        let r = try await runNormalised(try Programs.procsh(), ["-x"])
        #expect(r.termination == .exit(1), "\(r)")
        #expect(r.stderr.hasPrefix("<prog>: unrecognized option '-x'\nusage: <prog> [options] [script [args]]\n"), "\(r)")
        #expect(r.stderr.contains("--help"), "\(r)")
        #expect(!r.stderr.contains("Did you mean"), "\(r)")
    }

    @Test("a misspelt option of procsh's is named after lua5.4's text")
    func aMisspeltOptionIsNamed() async throws {
        let r = try await runNormalised(try Programs.procsh(), ["--regoin=eu", "-e", ""])
        #expect(r.termination == .exit(1), "\(r)")
        #expect(r.stderr.hasPrefix("<prog>: unrecognized option '--regoin=eu'\nusage: <prog> [options] [script [args]]\n"), "\(r)")
        #expect(r.stderr.contains("Did you mean --region? Run '<prog> --help' for procsh's own options."), "\(r)")
    }
}
