#if canImport(Glibc)
import Glibc
#endif
import Bindings
import Foundation
import JSON

/// procsh's configuration file: named profiles of settings, in a small subset
/// of TOML (docs/cron.md, "Profiles"):
///
/// ```toml
/// [profile.prod]
/// region = "eu"
/// client-id = "a1b2c3"
/// client-secret = "..."
/// ```
///
/// It is written atomically with mode 0600, and refused when group or others
/// may read it, since it holds client secrets.
struct ConfigFile: Equatable {
    struct Profile: Equatable {
        var name: String
        /// Settings in file order.
        var settings: [Setting]

        func value(_ key: String) -> String? { settings.first { $0.key == key }?.value }
    }

    struct Setting: Equatable {
        var key: String
        var value: String
        /// Where it stands in the file (1...), for messages; 0 when not read from one.
        var line = 0
    }

    /// The keys a profile may set, with what each is (``ProcshOption/all``).
    static let keys: [(key: String, about: String)] = ProcshOption.all.compactMap { option in option.key.map { ($0, option.about) } }
    static let secretKeys = [ProcshOption.clientSecret.key!]

    var profiles: [Profile] = []

    func profile(_ name: String) -> Profile? { profiles.first { $0.name == name } }

    /// `$XDG_CONFIG_HOME/procsh/config.toml`, by default `~/.config/procsh/config.toml`.
    static func defaultPath(_ environment: (String) -> String?) -> String {
        if let xdg = environment("XDG_CONFIG_HOME"), xdg.hasPrefix("/") { return xdg + "/procsh/config.toml" }
        return (environment("HOME") ?? "") + "/.config/procsh/config.toml"
    }

    /// A file that cannot be used: what is wrong and where, and the exit
    /// status (docs/cron.md): 64 for a mistake in it, 77 for a file others
    /// may read or procsh may not.
    struct Failure: Error, CustomStringConvertible {
        let description: String
        var status: Int32 = ExitStatus.usage
    }

    /// Reads the file at `path` (none: no profiles). Refuses a file others may read.
    static func load(_ path: String) throws(Failure) -> ConfigFile {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT { return ConfigFile() }
            throw Failure(description: "\(path): \(String(cString: strerror(errno)))", status: refusal(errno))
        }
        if info.st_mode & 0o077 != 0 {
            throw Failure(
                description: "\(path) may be read by others (mode \(String(info.st_mode & 0o777, radix: 8))) and holds client secrets; make it private with: chmod 600 \(path)",
                status: ExitStatus.noPermission)
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Failure(description: "\(path): \(String(cString: strerror(errno)))", status: refusal(errno)) }
        close(fd)
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw Failure(description: "\(path): cannot be read as UTF-8 text")
        }
        return try parse(text, name: path)
    }

    /// 77 when the system refused procsh the file, 64 for anything else.
    private static func refusal(_ error: Int32) -> Int32 {
        error == EACCES || error == EPERM ? ExitStatus.noPermission : ExitStatus.usage
    }

    /// Reads the text of a config file; errors say `file:line: what`, and
    /// what to write instead when a name is misspelt.
    static func parse(_ text: String, name: String) throws(Failure) -> ConfigFile {
        var file = ConfigFile()
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            let place = "\(name):\(number + 1)"
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]"), line.hasPrefix("[profile."), case let profile = String(line.dropFirst(9).dropLast()),
                    isName(profile)
                else {
                    throw Failure(
                        description: "\(place): expected a section [profile.NAME] (letters, digits, - and _), got \(line)\(sectionSuggestion(line))")
                }
                guard file.profile(profile) == nil else { throw Failure(description: "\(place): profile '\(profile)' appears twice") }
                file.profiles.append(Profile(name: profile, settings: []))
                continue
            }
            guard let equals = line.firstIndex(of: "=") else { throw Failure(description: "\(place): expected key = \"value\"") }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            let names = keys.map(\.key)
            guard names.contains(key) else {
                let suggestion = Suggestion.phrase(for: key, among: names)
                throw Failure(description: "\(place): unknown setting '\(key)'\(suggestion); the settings are \(names.joined(separator: ", "))")
            }
            guard !file.profiles.isEmpty else {
                throw Failure(
                    description: "\(place): setting '\(key)' comes before any [profile.NAME] section; put it under one, e.g. [profile.default]")
            }
            guard let value = unquote(line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)) else {
                throw Failure(description: "\(place): the value of \(key) must be a string in double quotes")
            }
            file.profiles[file.profiles.count - 1].settings.append(Setting(key: key, value: value, line: number + 1))
        }
        return file
    }

    /// " (did you mean [profile.x]?)" for a section header that names a
    /// profile another way (`[prod]`, `[profiles.prod]`, `[profile prod]`).
    static func sectionSuggestion(_ line: String) -> String {
        let inside = line.dropFirst().prefix { $0 != "]" }
        let name = inside.split(whereSeparator: { $0 == "." || $0 == " " }).last.map(String.init) ?? ""
        guard isName(name), name != "profile" else { return "" }
        return " (did you mean [profile.\(name)]?)"
    }

    /// The file's text.
    var text: String {
        var lines = ["# procsh profiles (procsh config set PROFILE KEY VALUE). Keep this file private: chmod 600."]
        for profile in profiles {
            lines.append("")
            lines.append("[profile.\(profile.name)]")
            for setting in profile.settings {
                lines.append("\(setting.key) = \(Self.quote(setting.value))")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes the file atomically (a private temporary file renamed over it),
    /// creating its directory (mode 0700) if needed.
    func write(to path: String) throws(Failure) {
        let directory = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw Failure(description: "\(temporary): \(String(cString: strerror(errno)))") }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd) == 0
        close(fd)
        guard written == bytes.count, synced, rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw Failure(description: "\(path): cannot be written (\(reason))")
        }
    }

    static func isName(_ s: String) -> Bool {
        !s.isEmpty && s.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_" }
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for ch in s.unicodeScalars {
            switch ch {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out + "\""
    }

    static func unquote(_ s: String) -> String? {
        guard s.count >= 2, s.hasPrefix("\""), s.hasSuffix("\"") else { return nil }
        var out = ""
        var escaped = false
        for ch in s.dropFirst().dropLast() {
            if escaped {
                switch ch {
                case "n": out.append("\n")
                case "t": out.append("\t")
                case "\"", "\\": out.append(ch)
                default: return nil
                }
                escaped = false
            } else if ch == "\\" {
                escaped = true
            } else if ch == "\"" {
                return nil
            } else {
                out.append(ch)
            }
        }
        return escaped ? nil : out
    }
}
