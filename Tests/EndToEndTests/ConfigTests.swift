import Foundation
import Testing

/// `procsh config` and profiles: the file's mode, atomic writes, precedence
/// (flags > environment > profile > defaults), secrets never shown.
@Suite("Configuration", .enabled(if: !Programs.procshIsReference, "procsh's own subcommand"))
struct ConfigTests {
    struct Home {
        let dir: URL
        var environment: [String: String] { baseEnvironment(home: dir.path).merging(["XDG_CONFIG_HOME": dir.path + "/xdg"]) { _, n in n } }
        var file: String { dir.path + "/xdg/procsh/config.toml" }

        func procsh(_ arguments: [String], stdin: Stdin = .null, extra: [String: String] = [:]) async throws -> ProcessResult {
            try await run(
                try Programs.procsh(), arguments, stdin: stdin, environment: environment.merging(extra) { _, n in n }, directory: dir)
        }
    }

    static func home() throws -> Home { Home(dir: try makeTempDirectory()) }

    @Test("set writes a private file; get, list and remove read it back")
    func setGetListRemove() async throws {
        let home = try Self.home()
        #expect(try await home.procsh(["config", "set", "prod", "region", "eu"]).termination == .exit(0))
        #expect(try await home.procsh(["config", "set", "prod", "client-id", "abc"]).termination == .exit(0))
        let secret = try await home.procsh(["config", "set", "prod", "client-secret"], stdin: .text("very-secret-value\n"))
        #expect(secret.termination == .exit(0), "\(secret)")
        let attributes = try FileManager.default.attributesOfItem(atPath: home.file)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect(try String(contentsOfFile: home.file, encoding: .utf8).contains("client-secret = \"very-secret-value\""))
        #expect(try await home.procsh(["config", "get", "prod", "region"]).stdout == "eu\n")
        #expect(try await home.procsh(["config", "list"]).stdout == "prod\tregion client-id client-secret\n")
        #expect(try await home.procsh(["config", "remove", "prod", "region"]).termination == .exit(0))
        #expect(try await home.procsh(["config", "list"]).stdout == "prod\tclient-id client-secret\n")
        #expect(try await home.procsh(["config", "remove", "prod"]).termination == .exit(0))
        #expect(try await home.procsh(["config", "list"]).stdout == "")
    }

    @Test("show: the effective settings with their sources, the secret masked")
    func showAndPrecedence() async throws {
        let home = try Self.home()
        _ = try await home.procsh(["config", "set", "prod", "region", "eu"])
        _ = try await home.procsh(["config", "set", "prod", "client-id", "from-profile"])
        _ = try await home.procsh(["config", "set", "prod", "client-secret", "very-secret-value"])
        _ = try await home.procsh(["config", "set", "prod", "log-level", "warn"])
        let show = try await home.procsh(["config", "show", "--profile", "prod"], extra: ["WORKIVA_CLIENT_ID": "from-env"])
        #expect(show.termination == .exit(0), "\(show)")
        #expect(show.stdout.contains("https://api.eu.wdesk.com (region eu) (profile prod: region)"), "\(show)")
        #expect(show.stdout.contains("client id        from-env (WORKIVA_CLIENT_ID)"), "environment beats profile: \(show)")
        #expect(show.stdout.contains("client secret    ******** (profile prod: client-secret)"), "\(show)")
        #expect(!show.stdout.contains("very-secret-value"), "\(show)")
        // A flag beats both: --log-level over the profile's warn.
        let run = try await home.procsh(["--profile", "prod", "--log-level", "info", "-e", "log.info('shown')"])
        #expect(run.stderr.contains("info: shown"), "\(run)")
        let quiet = try await home.procsh(["--profile", "prod", "-e", "log.info('hidden')"])
        #expect(!quiet.stderr.contains("hidden"), "the profile's warn level: \(quiet)")
        // PROCSH_PROFILE picks the profile too; the region reaches the client.
        let base = try await home.procsh(["--dry-run", "-e", "print(procsh.baseURL)"], extra: ["PROCSH_PROFILE": "prod"])
        #expect(base.stdout == "https://api.eu.wdesk.com\n", "\(base)")
    }

    @Test("a config file others may read is refused with the fix")
    func permissions() async throws {
        let home = try Self.home()
        _ = try await home.procsh(["config", "set", "prod", "client-secret", "very-secret-value"])
        chmod(home.file, 0o644)
        let r = try await home.procsh(["--profile", "prod", "-e", "print(1)"])
        #expect(r.termination == .exit(77), "\(r)")
        #expect(r.stderr.contains("may be read by others (mode 644)"), "\(r)")
        #expect(r.stderr.contains("chmod 600 \(home.file)"), "\(r)")
        #expect(!r.stderr.contains("very-secret-value"), "\(r)")
    }

    @Test("mistakes name what is wrong", arguments: [
        (["config", "set", "prod", "regoin", "eu"], Int32(64), "unknown setting 'regoin'"),
        (["config", "set", "prod", "region", "mars"], 64, "region: 'mars' is not a region"),
        (["config", "get", "nope", "region"], 1, "no profile 'nope'"),
        (["config", "frobnicate"], 64, "'frobnicate' is not a config command"),
        (["--profile", "nope", "-e", "1"], 64, "no profile 'nope' (from --profile)"),
    ])
    func mistakes(arguments: [String], status: Int32, message: String) async throws {
        let home = try Self.home()
        _ = try await home.procsh(["config", "set", "prod", "region", "eu"])
        let r = try await home.procsh(arguments)
        #expect(r.termination == .exit(status), "\(r)")
        #expect(r.stderr.contains(message), "\(r)")
    }

    @Test("a hand-edited file with a mistake is reported by line")
    func badFile() async throws {
        let home = try Self.home()
        try FileManager.default.createDirectory(atPath: home.dir.path + "/xdg/procsh", withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: home.file, contents: Data("[profile.a]\nregion = eu\n".utf8), attributes: [.posixPermissions: 0o600])
        let r = try await home.procsh(["config", "list"])
        #expect(r.stderr.contains("config.toml:2: the value of region must be a string in double quotes"), "\(r)")
    }
}
