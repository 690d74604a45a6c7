import Foundation
import ProcessesAPI

/// One of procsh's own settings: the option that gives it on the command line
/// (if any), the environment variable and the profile key that give it too,
/// and what `--help`, the shell completions and `procsh config` say of it.
/// ``all`` is the only list of them: the command line (``RunOptions``),
/// `--help` (``Usage``), the completions (``Completion``), the profile keys
/// (``ConfigFile/keys``) and the settings' sources (``Settings``) read it.
struct ProcshOption: Sendable {
    /// `--region`; nil for a setting no option gives (the client's credentials).
    let flag: String?
    /// What its value is called in `--help` (`R`) and how shells complete it;
    /// nil when the option takes no value.
    let value: (placeholder: String, completion: Completion.Value)?
    /// `--help`'s text, one line per element.
    let help: [String]
    /// One line: for the completions and `procsh config`.
    let about: String
    /// The environment variable that gives it (`PROCSH_REGION`).
    var variable: String? = nil
    /// The key of a profile that gives it (`region`).
    var key: String? = nil
    /// Takes the option's value (nil for an option without one) into the run's
    /// options; nil for the options the command line handles itself (`--help`).
    var apply: (@Sendable (inout RunOptions, String?) throws(Parse.Invalid) -> Void)? = nil

    /// The option named `flag`.
    static func named(_ flag: String) -> ProcshOption? { all.first { $0.flag == flag } }

    static let sandbox = ProcshOption(
        flag: "--sandbox", value: nil,
        help: ["run against a sandbox started in this process (demo data,", "a free port on 127.0.0.1); no credentials needed"],
        about: "run against a sandbox started in-process", apply: { options, _ in options.sandbox = true })
    static let baseURL = ProcshOption(
        flag: "--base-url", value: ("URL", .text), help: ["the API's base URL (https, or http on loopback only)"],
        about: "the API base URL (instead of a region)", variable: "PROCSH_BASE_URL", key: "base-url",
        apply: { options, value throws(Parse.Invalid) in options.baseURL = try Parse.url(value ?? "") })
    static let region = ProcshOption(
        flag: "--region", value: ("R", .words(ClientConfiguration.Region.allCases.map(\.rawValue))),
        help: ["Workiva's region: \(regions) (us is the default)"],
        about: "the Workiva region: \(regions)", variable: "PROCSH_REGION", key: "region",
        apply: { options, value throws(Parse.Invalid) in options.region = try Parse.region(value ?? "") })
    static let dryRun = ProcshOption(
        flag: "--dry-run", value: nil,
        help: ["changes (jobruns.create, processes.create, processes.run) print", "the request they would send to stderr and send nothing"],
        about: "print changes instead of sending them", apply: { options, _ in options.dryRun = true })
    static let profile = ProcshOption(
        flag: "--profile", value: ("NAME", .profile), help: ["use a profile of 'procsh config' (or PROCSH_PROFILE)"],
        about: "a profile of procsh config", variable: "PROCSH_PROFILE",
        apply: { options, value throws(Parse.Invalid) in options.profile = try Parse.name(value ?? "", "a profile name") })
    static let clientID = ProcshOption(
        flag: nil, value: nil, help: [], about: "the OAuth client id", variable: "WORKIVA_CLIENT_ID", key: "client-id")
    static let clientSecret = ProcshOption(
        flag: nil, value: nil, help: [], about: "the OAuth client secret (masked when shown)",
        variable: "WORKIVA_CLIENT_SECRET", key: "client-secret")
    static let scope = ProcshOption(
        flag: nil, value: nil, help: [], about: "scopes to ask for (default: the client's own)", variable: "WORKIVA_SCOPE",
        key: "scope")
    static let logLevel = ProcshOption(
        flag: "--log-level", value: ("L", .words(Parse.logLevels)),
        help: [Parse.logLevels.joined(separator: ", "), "(info is the default)"],
        about: "the lowest level logged: \(Parse.logLevels.joined(separator: ", "))", variable: "PROCSH_LOG_LEVEL",
        key: "log-level", apply: { options, value throws(Parse.Invalid) in options.logLevel = try Parse.logLevel(value ?? "") })
    static let logFormat = ProcshOption(
        flag: "--log-format", value: ("F", .words(RunOptions.LogFormat.allCases.map(\.rawValue))),
        help: ["text (the default) or json: one JSON object per line"],
        about: "how log lines are written: text or json", variable: "PROCSH_LOG_FORMAT", key: "log-format",
        apply: { options, value throws(Parse.Invalid) in options.logFormat = try Parse.logFormat(value ?? "") })
    static let quiet = ProcshOption(
        flag: "--quiet", value: nil, help: ["only errors on stderr (log level error)"], about: "only errors on stderr",
        apply: { options, _ in options.quiet = true })
    static let requestTimeout = ProcshOption(
        flag: "--request-timeout", value: ("S", .text),
        help: ["seconds one API request may take (default \(Seconds.number(ClientConfiguration.defaultRequestTimeout)))"],
        about: "seconds one API request may take", key: "request-timeout",
        apply: { options, value throws(Parse.Invalid) in options.requestTimeout = try Parse.seconds(value ?? "") })
    static let timeout = ProcshOption(
        flag: "--timeout", value: ("S", .text),
        help: ["the whole run may take S seconds; then it stops (status 75),", "even inside pcall or a waiting API call"],
        about: "seconds the whole run may take",
        apply: { options, value throws(Parse.Invalid) in options.timeout = try Parse.seconds(value ?? "") })
    static let memoryLimit = ProcshOption(
        flag: "--memory-limit", value: ("MB", .text), help: ["Lua may allocate MB megabytes; beyond, \"not enough memory\""],
        about: "megabytes Lua may allocate",
        apply: { options, value throws(Parse.Invalid) in options.memoryLimit = try Parse.megabytes(value ?? "") })
    static let lock = ProcshOption(
        flag: "--lock", value: ("FILE", .file),
        help: ["hold an exclusive lock on FILE for the whole run; if another", "run holds it, exit 75 at once"],
        about: "a lock file held for the whole run",
        apply: { options, value throws(Parse.Invalid) in options.lock = try Parse.name(value ?? "", "a file name") })
    static let lockWait = ProcshOption(
        flag: "--lock-wait", value: ("S", .text), help: ["wait up to S seconds for the lock instead"],
        about: "seconds to wait for the lock",
        apply: { options, value throws(Parse.Invalid) in options.lockWait = try Parse.seconds(value ?? "", allowZero: true) })
    static let jitter = ProcshOption(
        flag: "--jitter", value: ("S", .text),
        help: ["first wait a random 0 to S seconds (many hosts on one", "schedule spread out); counted inside --timeout"],
        about: "seconds of random wait before the run",
        apply: { options, value throws(Parse.Invalid) in options.jitter = try Parse.seconds(value ?? "", allowZero: true) })
    static let quietOnSuccess = ProcshOption(
        flag: "--quiet-on-success", value: nil,
        help: ["keep the run's output and show it only if it fails", "(exit status not 0), as chronic does"],
        about: "show the run's output only if it fails", apply: { options, _ in options.quietOnSuccess = true })
    static let pingURL = ProcshOption(
        flag: "--ping-url", value: ("URL", .text),
        help: [
            "health-check pings (healthchecks.io's): URL/start as the run", "starts; URL, or URL/STATUS if it fails, as it ends, with",
            "the last 10 KB of stderr",
        ],
        about: "a health-check URL pinged as the run starts and ends", variable: "PROCSH_PING_URL", key: "ping-url",
        apply: { options, value throws(Parse.Invalid) in options.pingURL = try Parse.pingURL(value ?? "") })
    static let runID = ProcshOption(
        flag: "--run-id", value: ("ID", .text), help: ["the run's id in every ping (rid=, a UUID; default: a new one)"],
        about: "the run id (a UUID) each ping carries",
        apply: { options, value throws(Parse.Invalid) in options.runID = try Parse.runID(value ?? "") })
    static let help = ProcshOption(flag: "--help", value: nil, help: ["show this help and exit"], about: "show the help")
    static let version = ProcshOption(
        flag: "--version", value: nil, help: ["show procsh's and Lua's versions and exit"], about: "show the versions")

    /// Every setting, in the order `--help` lists the options.
    static let all: [ProcshOption] = [
        sandbox, baseURL, region, dryRun, profile, clientID, clientSecret, scope, logLevel, logFormat, quiet,
        requestTimeout, timeout, memoryLimit, lock, lockWait, jitter, quietOnSuccess, pingURL, runID, help, version,
    ]

    private static var regions: String { ClientConfiguration.Region.allCases.map(\.rawValue).joined(separator: ", ") }

    /// `--help`'s lines for this option: the flag and its value, then the text
    /// from column 22 (on the next line when they are longer than that).
    var helpLines: [String] {
        guard let flag else { return [] }
        let left = "  " + flag + (value.map { " " + $0.placeholder } ?? "")
        let indent = String(repeating: " ", count: 21)
        var lines: [String] = []
        for (i, text) in help.enumerated() {
            if i == 0 && left.count < 20 {
                lines.append(left + String(repeating: " ", count: 21 - left.count) + text)
            } else {
                if i == 0 { lines.append(left) }
                lines.append(indent + text)
            }
        }
        return lines
    }
}
