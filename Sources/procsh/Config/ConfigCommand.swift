#if canImport(Glibc)
import Glibc
#endif
import Bindings
import JSON
import REPL

/// `procsh config ...`: the profiles in the configuration file, and the
/// settings a run would use.
///
///     procsh config list
///     procsh config set PROFILE KEY [VALUE]     (no VALUE: read it from standard input)
///     procsh config get PROFILE KEY
///     procsh config remove PROFILE [KEY]
///     procsh config show [--profile NAME]       (the effective settings, secrets masked)
///     procsh config path
///
/// Exit status: 0 done, 1 the profile or setting asked for is not there (or
/// the file cannot be written), 64 a wrong command line or a mistake in the
/// file, 77 a file others may read.
enum ConfigCommand {
    static let usage = """
        usage: procsh config list
               procsh config set PROFILE KEY [VALUE]   (VALUE from standard input when left out)
               procsh config get PROFILE KEY
               procsh config remove PROFILE [KEY]
               procsh config show [--profile NAME]
               procsh config path

        exit status: 0 done; 1 no such profile or setting (or the file cannot be
        written); 64 a wrong command or value, or a mistake in the file; 77 the
        file may be read by others (docs/cron.md)

        """

    struct Failure: Error {
        let message: String
        var status: Int32 = ExitStatus.usage
        /// Whether the usage text helps (the command line had the wrong shape).
        var showUsage = false
    }

    static func run(_ words: [String], progname: String) -> Int32 {
        let environment = { (name: String) in getenv(name).map { String(cString: $0) } }
        let path = ConfigFile.defaultPath(environment)
        do throws(Failure) {
            try perform(words, path: path, environment: environment)
            return 0
        } catch {
            Console.writeError("\(progname) config: \(error.message)\n")
            if error.showUsage { Console.writeError(usage) }
            return error.status
        }
    }

    static func perform(_ words: [String], path: String, environment: @escaping (String) -> String?) throws(Failure) {
        guard let command = words.first else { throw Failure(message: "which command?", showUsage: true) }
        let args = Array(words.dropFirst())
        switch (command, args.count) {
        case ("--help", 0), ("-h", 0), ("help", 0):
            Console.write(usage)
        case ("path", 0):
            Console.write(path + "\n")
        case ("list", 0):
            let file = try load(path)
            for profile in file.profiles {
                Console.write("\(profile.name)\t\(profile.settings.map(\.key).joined(separator: " "))\n")
            }
        case ("get", 2):
            let file = try load(path)
            guard let profile = file.profile(args[0]) else { throw Failure(message: "no profile '\(args[0])'", status: 1) }
            guard let value = profile.value(try key(args[1])) else { throw Failure(message: "profile '\(args[0])' has no \(args[1])", status: 1) }
            Console.write(value + "\n")
        case ("set", 2), ("set", 3):
            guard ConfigFile.isName(args[0]) else { throw Failure(message: "'\(args[0])' is not a profile name (letters, digits, - and _)") }
            let key = try key(args[1])
            let value = try args.count == 3 ? args[2] : readValue(key)
            try check(key, value)
            var file = try load(path)
            if file.profile(args[0]) == nil { file.profiles.append(.init(name: args[0], settings: [])) }
            let index = file.profiles.firstIndex { $0.name == args[0] }!
            if let at = file.profiles[index].settings.firstIndex(where: { $0.key == key }) {
                file.profiles[index].settings[at].value = value
            } else {
                file.profiles[index].settings.append(.init(key: key, value: value))
            }
            try save(file, path)
        case ("remove", 1), ("remove", 2):
            var file = try load(path)
            guard let index = file.profiles.firstIndex(where: { $0.name == args[0] }) else {
                throw Failure(message: "no profile '\(args[0])'", status: 1)
            }
            if args.count == 2 {
                let key = try key(args[1])
                file.profiles[index].settings.removeAll { $0.key == key }
            } else {
                file.profiles.remove(at: index)
            }
            try save(file, path)
        case ("show", let count) where count == 0 || (count == 2 && args.first == "--profile"):
            var options = RunOptions()
            options.profile = args.count == 2 ? args[1] : nil
            let settings: Settings
            do {
                settings = try Settings.resolve(options, environment: environment)
            } catch {
                throw Failure(message: error.message, status: error.status)
            }
            Console.write(show(settings))
        default:
            throw Failure(message: "'\(words.joined(separator: " "))' is not a config command", showUsage: true)
        }
    }

    static func load(_ path: String) throws(Failure) -> ConfigFile {
        do {
            return try ConfigFile.load(path)
        } catch {
            throw Failure(message: error.description, status: error.status)
        }
    }

    static func save(_ file: ConfigFile, _ path: String) throws(Failure) {
        do {
            try file.write(to: path)
        } catch {
            throw Failure(message: error.description, status: 1)
        }
    }

    static func key(_ name: String) throws(Failure) -> String {
        guard ConfigFile.keys.contains(where: { $0.key == name }) else {
            let list = ConfigFile.keys.map { "  \($0.key)\t\($0.about)" }.joined(separator: "\n")
            let suggestion = Suggestion.phrase(for: name, among: ConfigFile.keys.map(\.key))
            throw Failure(message: "unknown setting '\(name)'\(suggestion); the settings are:\n\(list)")
        }
        return name
    }

    /// Checks a value as a run would read it: a setting that is also an
    /// option (`region`, `--region`) by the option's own rule.
    static func check(_ key: String, _ value: String) throws(Failure) {
        var options = RunOptions()
        switch options.set("--" + key, value) {
        case .invalid(let message): throw Failure(message: "\(key): \(message)")
        case .unknown where value.isEmpty: throw Failure(message: "\(key): must not be empty")
        case .set, .unknown: return
        }
    }

    /// A value from standard input (so a secret stays out of the shell's
    /// history and the process list): one line, without echo on a terminal.
    static func readValue(_ key: String) throws(Failure) -> String {
        let terminal = isatty(0) != 0
        var saved = termios()
        if terminal {
            Console.writeError("\(key): ")
            tcgetattr(0, &saved)
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(0, TCSAFLUSH, &quiet)
        }
        defer {
            if terminal {
                tcsetattr(0, TCSAFLUSH, &saved)
                Console.writeError("\n")
            }
        }
        guard let line = readLine(strippingNewline: true) else { throw Failure(message: "\(key): no value on standard input") }
        return line
    }

    /// The effective settings, with where each came from; secrets masked.
    static func show(_ s: Settings) -> String {
        var rows: [(String, String)] = []
        rows.append(("profile", s.profile.map { "\($0.value) (\($0.source))" } ?? "none"))
        rows.append(("config file", s.configPath))
        let api: String
        switch s.target.value {
        case .sandbox: api = "the in-process sandbox"
        case .baseURL(let url): api = url.absoluteString
        case .region(let region): api = "\(region.baseURL.absoluteString) (region \(region.rawValue))"
        }
        rows.append(("api", "\(api) (\(s.target.source))"))
        rows.append(("client id", s.clientID.map { "\($0.value) (\($0.source))" } ?? "not set"))
        rows.append(("client secret", s.clientSecret.map { "\(Redaction.mask) (\($0.source))" } ?? "not set"))
        rows.append(("scope", s.scope.map { "\($0.value) (\($0.source))" } ?? "the client's own"))
        rows.append(("log level", "\(StandardErrorLogHandler.name(s.logLevel.value)) (\(s.logLevel.source))"))
        rows.append(("log format", "\(s.logFormat.value.rawValue) (\(s.logFormat.source))"))
        rows.append(("request timeout", "\(Seconds.text(s.requestTimeout.value)) (\(s.requestTimeout.source))"))
        rows.append(("ping url", s.pingURL.map { "\(Redaction.shown($0.value)) (\($0.source))" } ?? "none"))
        let width = rows.map(\.0.count).max() ?? 0
        return rows.map { $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1 }.joined(separator: "\n") + "\n"
    }
}
