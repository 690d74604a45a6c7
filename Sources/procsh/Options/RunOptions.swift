import Foundation
import Logging
import ProcessesAPI

/// procsh's own long options (before the script), as given on the command line.
struct RunOptions {
    var sandbox = false
    var dryRun = false
    var quiet = false
    var baseURL: URL?
    var region: ClientConfiguration.Region?
    var logLevel: Logger.Level?
    var logFormat: LogFormat?
    /// Seconds one request may take, from sending to the last byte of the answer.
    var requestTimeout: Double?
    /// Seconds the whole run may take.
    var timeout: Double?
    /// Bytes Lua may allocate.
    var memoryLimit: Int?
    /// A file to hold an exclusive lock on for the whole run, and how long to wait for it.
    var lock: String?
    var lockWait: Double?
    /// `--jitter`: the most seconds of random wait before the run.
    var jitter: Double?
    /// `--quiet-on-success`: the run's output is shown only if it fails.
    var quietOnSuccess = false
    /// `--ping-url`: the health check pinged as the run starts and ends.
    var pingURL: URL?
    /// `--run-id`: the `rid` of every ping (a UUID, lowercase).
    var runID: String?
    /// The configuration profile to use.
    var profile: String?

    /// How log lines are written.
    enum LogFormat: String, CaseIterable {
        case text, json
    }

    enum SetResult: Equatable {
        case set, unknown
        case invalid(String)
    }

    /// The options that take a value (`--name VALUE` or `--name=VALUE`).
    static let valued = ProcshOption.all.filter { $0.apply != nil && $0.value != nil }.compactMap(\.flag)

    /// Takes one long option (`value` is nil for those without one), by its
    /// entry of ``ProcshOption/all``.
    mutating func set(_ name: String, _ value: String?) -> SetResult {
        guard let option = ProcshOption.named(name), let apply = option.apply else { return .unknown }
        if option.value == nil && value != nil { return .invalid("takes no value") }
        if option.value != nil && value == nil { return .unknown }
        do throws(Parse.Invalid) {
            try apply(&self, value)
        } catch {
            return .invalid(error.message)
        }
        return .set
    }
}

/// The values of options, environment variables and profile settings, each
/// read by one rule wherever it comes from.
enum Parse {
    struct Invalid: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }

    static func url(_ value: String) throws(Invalid) -> URL {
        guard let url = URL(string: value), url.scheme != nil, url.host != nil else {
            throw Invalid("'\(value)' is not an absolute URL (e.g. https://api.app.wdesk.com)")
        }
        return url
    }

    /// A health-check URL: http or https (pings carry no credentials of the
    /// API; their bodies are redacted), with a host.
    static func pingURL(_ value: String) throws(Invalid) -> URL {
        guard let url = URL(string: value), let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http",
            let host = url.host, !host.isEmpty
        else {
            throw Invalid("'\(value)' is not an http:// or https:// URL (e.g. https://hc-ping.com/UUID)")
        }
        return url
    }

    /// A run id: a UUID, which health-check services (healthchecks.io's `rid`)
    /// take in its canonical form, lowercase.
    static func runID(_ value: String) throws(Invalid) -> String {
        guard let uuid = UUID(uuidString: value) else {
            throw Invalid("'\(value)' is not a UUID (e.g. 3f2a8e0c-5b1d-4c6e-9a7f-0d2b4c6e8a1f)")
        }
        return uuid.uuidString.lowercased()
    }

    static func region(_ value: String) throws(Invalid) -> ClientConfiguration.Region {
        guard let region = ClientConfiguration.Region(rawValue: value.lowercased()) else {
            let names = ClientConfiguration.Region.allCases.map(\.rawValue).joined(separator: ", ")
            throw Invalid("'\(value)' is not a region (\(names))")
        }
        return region
    }

    /// The log levels as options and settings name them (`warn` for swift-log's `warning`).
    static let logLevels = Logger.Level.allCases.map { $0 == .warning ? "warn" : $0.rawValue }

    static func logLevel(_ value: String) throws(Invalid) -> Logger.Level {
        let name = value.lowercased() == "warn" ? "warning" : value.lowercased()
        guard let level = Logger.Level(rawValue: name) else {
            throw Invalid("'\(value)' is not a level (\(logLevels.joined(separator: ", ")))")
        }
        return level
    }

    /// A name that must not be empty (a file, a profile).
    static func name(_ value: String, _ what: String) throws(Invalid) -> String {
        guard !value.isEmpty else { throw Invalid("needs \(what)") }
        return value
    }

    static func logFormat(_ value: String) throws(Invalid) -> RunOptions.LogFormat {
        guard let format = RunOptions.LogFormat(rawValue: value.lowercased()) else {
            throw Invalid("'\(value)' is not a log format (text, json)")
        }
        return format
    }

    static func seconds(_ value: String, allowZero: Bool = false) throws(Invalid) -> Double {
        guard let seconds = Double(value), seconds.isFinite, seconds > 0 || (allowZero && seconds == 0) else {
            throw Invalid("'\(value)' is not a number of seconds\(allowZero ? ", 0 or more" : " greater than 0")")
        }
        return seconds
    }

    static func megabytes(_ value: String) throws(Invalid) -> Int {
        guard let mb = Double(value), mb.isFinite, mb >= 1, mb <= 1_000_000 else {
            throw Invalid("'\(value)' is not a number of megabytes from 1 to 1000000")
        }
        return Int(mb * 1024 * 1024)
    }
}

/// A number of seconds as messages write it: `300 s`, `0.5 s`.
enum Seconds {
    static func text(_ s: Double) -> String { "\(number(s)) s" }

    /// The number alone: `300`, `0.5`.
    static func number(_ s: Double) -> String { s == s.rounded() ? "\(Int(s))" : "\(s)" }
}
