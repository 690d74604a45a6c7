#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser

/// procsh's subcommands (`procsh sandbox serve ...`). A word is a subcommand
/// only in first position, only if it names one, and only if no file of that
/// name exists (then it is the script, as in lua).
enum Subcommand {
    static let commands: [String: any ParsableCommand.Type] = [
        "sandbox": SandboxCommand.self
    ]

    /// The subcommand `argv` asks for, if any.
    static func match(_ words: [String]) -> (any ParsableCommand.Type)? {
        guard words.count > 1, let command = commands[words[1]] else { return nil }
        var info = stat()
        if stat(words[1], &info) == 0 { return nil }  // a file of that name: run it as a script
        return command
    }

    /// Runs the subcommand with the words after its name; returns the exit status.
    static func run(_ command: any ParsableCommand.Type, arguments: [String]) -> Int32 {
        do {
            var parsed = try command.parseAsRoot(arguments)
            try parsed.run()
            return 0
        } catch {
            command.exit(withError: error)
        }
    }
}
