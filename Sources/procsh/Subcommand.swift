#if canImport(Glibc)
import Glibc
#endif

/// procsh's subcommands (`procsh sandbox serve ...`, `procsh config ...`). A
/// word is a subcommand only in first position, only if it names one, and
/// only if no file of that name exists (then it is the script, as in lua).
///
/// All three run in procsh: `sandbox` serves the sandbox procsh already
/// links for `--sandbox` (docs/architecture.md says why it is not a helper
/// program).
enum Subcommand {
    case sandbox
    case config
    case completion

    /// The subcommand of a name. A switch, not a dictionary: a dictionary's
    /// metadata is built at run time, a cost paid by every start.
    static func named(_ name: String) -> Subcommand? {
        switch name {
        case "sandbox": return .sandbox
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
}
