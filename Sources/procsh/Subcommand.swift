#if canImport(Glibc)
import Glibc
#endif
import Bindings
import REPL

/// procsh's subcommands (`procsh sandbox serve ...`, `procsh config ...`). A
/// word is a subcommand only in first position, only if it names one, and
/// only if no file of that name exists (then it is the script, as in lua).
///
/// `sandbox` is a helper program installed next to procsh (`procsh-sandbox`),
/// which procsh replaces itself with; `config` runs in procsh.
enum Subcommand {
    case helper(String)
    case config
    case completion

    /// The subcommand of a name. A switch, not a dictionary: a dictionary's
    /// metadata is built at run time, a cost paid by every start.
    static func named(_ name: String) -> Subcommand? {
        switch name {
        case "sandbox": return .helper("procsh-sandbox")
        case "config": return .config
        case "completion": return .completion
        default: return nil
        }
    }

    /// The subcommand `words` asks for, if any.
    static func match(_ words: [String]) -> Subcommand? {
        guard words.count > 1, let subcommand = named(words[1]) else { return nil }
        var info = stat()
        if stat(words[1], &info) == 0 { return nil }  // a file of that name: run it as a script
        return subcommand
    }

    /// Replaces procsh with the helper, passing the words after the subcommand.
    /// Returns only when that fails (with the exit status to use).
    static func exec(_ helper: String, words: [String]) -> Int32 {
        let path = directoryOfExecutable() + "/" + helper
        var arguments: [UnsafeMutablePointer<CChar>?] = ([path] + words.dropFirst(2)).map { strdup($0) }
        arguments.append(nil)
        execv(path, arguments)
        let reason = String(cString: strerror(errno))
        Console.writeError("\(words[0]): \(words[1]): cannot run \(path) (\(reason)); it is installed with procsh, next to it\n")
        return ExitStatus.unavailable
    }

    /// The directory of the running executable (/proc/self/exe, resolved).
    static func directoryOfExecutable() -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return "." }
        let path = String(cString: buffer)
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return String(path[..<slash])
    }
}
