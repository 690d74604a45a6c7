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
        (["config", "set", "prod", "regoin", "eu"], Int32(64), "unknown setting 'regoin' (did you mean 'region'?)"),
        (["config", "remove", "nope"], 1, "no profile 'nope'"),
        (["config", "get", "prod", "scope"], 1, "profile 'prod' has no scope"),
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

    /// Writes `text` as the config file, mode 0600.
    func write(_ text: String, in home: Home) throws {
        try FileManager.default.createDirectory(atPath: home.dir.path + "/xdg/procsh", withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: home.file, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600])
    }

    @Test("a mistake in a private config file stops every run at once with 64, its file:line and a suggestion", arguments: [
        ("foo = \"x\"\n", "config.toml:1: unknown setting 'foo'; the settings are base-url, region,"),
        ("region = \"eu\"\n", "config.toml:1: setting 'region' comes before any [profile.NAME] section"),
        ("[profile.prod]\nregoin = \"eu\"\n", "config.toml:2: unknown setting 'regoin' (did you mean 'region'?)"),
        ("[prod]\nregion = \"eu\"\n", "config.toml:1: expected a section [profile.NAME] (letters, digits, - and _), got [prod] (did you mean [profile.prod]?)"),
        ("[profile.default]\n\nregion = \"mars\"\n", "config.toml:3: region (profile default): 'mars' is not a region (us, eu, apac)"),
    ])
    func mistakeInTheFile(text: String, message: String) async throws {
        let home = try Self.home()
        try write(text, in: home)
        // Even a run that uses no API: the file is read when every run starts.
        let r = try await home.procsh(["-e", "print(1)"])
        #expect(r.termination == .exit(64), "\(r)")
        #expect(r.stdout.isEmpty, "nothing ran: \(r)")
        #expect(r.stderr.contains("procsh: \(home.file.dropLast("config.toml".count))\(message)"), "\(r)")
        #expect(r.stderr.split(separator: "\n").count == 1, "one line: \(r)")
        let show = try await home.procsh(["config", "show"])
        #expect(show.termination == .exit(64), "\(show)")
    }

    @Test("the file is read at the start of every run: a profile's log-format json applies to a plain Lua error")
    func profileFormatsEveryRun() async throws {
        let home = try Self.home()
        try write("[profile.default]\nlog-format = \"json\"\n", in: home)
        let r = try await home.procsh(["-e", "error('plain')"])
        #expect(r.termination == .exit(1), "\(r)")
        let object = try JSONSerialization.jsonObject(with: Data(r.stderr.utf8)) as? [String: Any]
        #expect(object?["message"] as? String == "(command line):1: plain", "\(r)")
        #expect(object?["level"] as? String == "error", "\(r)")
    }

    @Test("config --help prints config's usage and exits 0")
    func configHelp() async throws {
        let home = try Self.home()
        for word in ["--help", "-h", "help"] {
            let r = try await home.procsh(["config", word])
            #expect(r.termination == .exit(0), "\(r)")
            #expect(r.stdout.hasPrefix("usage: procsh config list\n"), "\(r)")
            #expect(r.stdout.contains("exit status: 0 done; 1 no such profile or setting"), "\(r)")
            #expect(r.stderr.isEmpty, "\(r)")
        }
    }

    @Test("a hand-edited file with a mistake is reported by line")
    func badFile() async throws {
        let home = try Self.home()
        try FileManager.default.createDirectory(atPath: home.dir.path + "/xdg/procsh", withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: home.file, contents: Data("[profile.a]\nregion = eu\n".utf8), attributes: [.posixPermissions: 0o600])
        let r = try await home.procsh(["config", "list"])
        #expect(r.termination == .exit(64), "a mistake in the file, not a permission: \(r)")
        #expect(r.stderr.contains("config.toml:2: the value of region must be a string in double quotes"), "\(r)")
    }
}
