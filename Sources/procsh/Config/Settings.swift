import Bindings
import Foundation
import Logging
import ProcessesAPI

/// The settings a run uses, each taken from the first place that gives it:
/// the command line, the environment, the profile, the defaults.
/// `procsh config show` prints them with where each came from.
struct Settings {
    /// A value and where it came from (`--region`, `WORKIVA_CLIENT_ID`, `profile prod`, `default`).
    struct Sourced<Value> {
        var value: Value
        var source: String
    }

    enum Target {
        case sandbox
        case baseURL(URL)
        case region(ClientConfiguration.Region)
    }

    var profile: Sourced<String>?
    var configPath: String
    var target: Sourced<Target>
    var clientID: Sourced<String>?
    var clientSecret: Sourced<String>?
    var scope: Sourced<String>?
    var logLevel: Sourced<Logger.Level>
    var logFormat: Sourced<RunOptions.LogFormat>
    var requestTimeout: Sourced<Double>
    /// The health check the run pings (``HealthPings``), if any.
    var pingURL: Sourced<URL>?

    struct Failure: Error {
        let message: String
        let status: Int32
    }

    /// Resolves the settings of a run.
    static func resolve(_ options: RunOptions, environment: (String) -> String?) throws(Failure) -> Settings {
        let configPath = ConfigFile.defaultPath(environment)
        func env(_ name: String) -> String? { environment(name).flatMap { $0.isEmpty ? nil : $0 } }

        // The profile: --profile, PROCSH_PROFILE, or the one named "default" if there is one.
        var profileName: Sourced<String>? =
            options.profile.map { Sourced(value: $0, source: ProcshOption.profile.flag!) }
            ?? env(ProcshOption.profile.variable!).map { Sourced(value: $0, source: ProcshOption.profile.variable!) }
        var profile: ConfigFile.Profile?
        if profileName != nil || access(configPath, F_OK) == 0 {
            let file: ConfigFile
            do {
                file = try ConfigFile.load(configPath)
            } catch {
                throw Failure(message: error.description, status: error.status)
            }
            if let name = profileName {
                guard let found = file.profile(name.value) else {
                    throw Failure(
                        message: "no profile '\(name.value)' (from \(name.source)) in \(configPath); 'procsh config list' lists them",
                        status: ExitStatus.usage)
                }
                profile = found
            } else if let found = file.profile("default") {
                profile = found
                profileName = Sourced(value: "default", source: "the default profile")
            }
        }
        let fromProfile = profileName.map { "profile \($0.value)" } ?? ""

        /// The first of the environment variable and the profile's setting, parsed.
        /// A wrong value names where it is: the variable, or the file's line.
        func pick<T>(_ option: ProcshOption, _ parse: (String) throws(Parse.Invalid) -> T) throws(Failure) -> Sourced<T>? {
            let (variable, key) = (option.variable, option.key ?? "")
            let setting = profile?.settings.first { $0.key == key }
            let candidates: [(String?, String, String)] = [
                (variable.flatMap(env), variable ?? "", variable ?? ""),
                (setting?.value, "\(fromProfile): \(key)", "\(configPath):\(setting?.line ?? 0): \(key) (\(fromProfile))"),
            ]
            for case let (raw?, source, place) in candidates {
                do {
                    return Sourced(value: try parse(raw), source: source)
                } catch {
                    throw Failure(message: "\(place): \(error.message)", status: ExitStatus.usage)
                }
            }
            return nil
        }
        let text = { (s: String) throws(Parse.Invalid) -> String in s }

        var settings = Settings(
            profile: profileName, configPath: configPath,
            target: Sourced(value: .region(.us), source: "default"),
            clientID: try pick(.clientID, text),
            clientSecret: try pick(.clientSecret, text),
            scope: try pick(.scope, text),
            logLevel: try pick(.logLevel, Parse.logLevel) ?? Sourced(value: .info, source: "default"),
            logFormat: try pick(.logFormat, Parse.logFormat) ?? Sourced(value: .text, source: "default"),
            requestTimeout: try pick(.requestTimeout, { s throws(Parse.Invalid) in try Parse.seconds(s) })
                ?? Sourced(value: ClientConfiguration.defaultRequestTimeout, source: "default"),
            pingURL: nil)

        // The API: flags, then the environment, then the profile; a base URL
        // wins over a region at the same level.
        let flagTargets = [
            options.sandbox ? ProcshOption.sandbox : nil, options.baseURL != nil ? .baseURL : nil, options.region != nil ? .region : nil,
        ].compactMap { $0?.flag }
        if flagTargets.count > 1 {
            throw Failure(message: "\(flagTargets.joined(separator: " and ")) name different APIs; give one", status: ExitStatus.usage)
        }
        if options.sandbox {
            settings.target = Sourced(value: .sandbox, source: ProcshOption.sandbox.flag!)
        } else if let url = options.baseURL {
            settings.target = Sourced(value: .baseURL(url), source: ProcshOption.baseURL.flag!)
        } else if let region = options.region {
            settings.target = Sourced(value: .region(region), source: ProcshOption.region.flag!)
        } else if let url = try pick(.baseURL, Parse.url) {
            settings.target = Sourced(value: .baseURL(url.value), source: url.source)
        } else if let region = try pick(.region, Parse.region) {
            settings.target = Sourced(value: .region(region.value), source: region.source)
        }

        if let level = options.logLevel { settings.logLevel = Sourced(value: level, source: ProcshOption.logLevel.flag!) }
        if options.quiet && options.logLevel == nil { settings.logLevel = Sourced(value: .error, source: ProcshOption.quiet.flag!) }
        if let format = options.logFormat { settings.logFormat = Sourced(value: format, source: ProcshOption.logFormat.flag!) }
        if let timeout = options.requestTimeout {
            settings.requestTimeout = Sourced(value: timeout, source: ProcshOption.requestTimeout.flag!)
        }
        if let url = options.pingURL {
            settings.pingURL = Sourced(value: url, source: ProcshOption.pingURL.flag!)
        } else {
            settings.pingURL = try pick(.pingURL, Parse.pingURL)
        }
        return settings
    }

    /// The credentials, when both halves are set.
    var credentials: ClientConfiguration.Credentials? {
        guard let id = clientID?.value, let secret = clientSecret?.value else { return nil }
        return .init(clientID: id, clientSecret: secret, scope: scope?.value)
    }
}
