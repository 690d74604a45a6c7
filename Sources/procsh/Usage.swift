import JSON
import REPL

/// The texts procsh prints about its own command line.
enum Usage {
    /// lua.c's list of options, word for word.
    static let luaOptions = """
          -e stat   execute string 'stat'
          -i        enter interactive mode after executing 'script'
          -l mod    require library 'mod' into global 'mod'
          -l g=mod  require library 'mod' into global 'g'
          -v        show version information
          -E        ignore environment variables
          -W        turn warnings on
          --        stop handling options
          -         stop handling options and execute stdin

        """

    /// lua.c's usage message for a bad option, then a pointer to procsh's own
    /// help (naming the option meant, for a misspelt one of procsh's).
    static func printBadOption(_ option: String, progname: String) {
        Console.writeError("\(progname): \(badOption(option))\n")
        let name = String(option.prefix { $0 != "=" })
        let meant = name.hasPrefix("--") ? Suggestion.closest(to: name, among: ProcshOption.all.compactMap(\.flag)) : nil
        Console.writeError(
            """
            usage: \(progname) [options] [script [args]]
            Available options are:
            \(luaOptions)\(meant.map { "Did you mean \($0)? " } ?? "")Run '\(progname) --help' for procsh's own options.

            """)
    }

    /// lua.c's line for a bad option: `unrecognized option '-x'`, or `'-e' needs argument`.
    static func badOption(_ option: String) -> String {
        let bytes = Array(option.utf8)
        let needsArgument = bytes.count > 1 && (bytes[1] == UInt8(ascii: "e") || bytes[1] == UInt8(ascii: "l"))
        return needsArgument ? "'\(option)' needs argument" : "unrecognized option '\(option)'"
    }

    /// procsh's own options as `--help` lists them (``ProcshOption/all``).
    static var options: String {
        ProcshOption.all.flatMap(\.helpLines).map { String($0.dropFirst(2)) }.joined(separator: "\n  ")
    }

    /// The environment variables that stand for options, three to a line.
    static var procshVariables: String {
        let names = ProcshOption.all.filter { $0.flag != nil }.compactMap(\.variable)
        return stride(from: 0, to: names.count, by: 3).map { names[$0..<min($0 + 3, names.count)].joined(separator: ", ") }
            .joined(separator: ",\n  ")
    }

    /// `--help`: everything the command line takes.
    static func help(progname: String) -> String {
        """
        procsh: Lua 5.4 for automating Workiva's Processes API.

        usage: \(progname) [options] [script [args]]

        procsh runs Lua exactly as the stand-alone 'lua' interpreter does: scripts,
        '#!/usr/bin/env procsh' files, code piped on standard input, and the
        interactive prompt.

        Lua's options:
        \(luaOptions)
        procsh's options (before the script):
          \(options)

        Subcommands (the first word, when no file of that name exists):
          sandbox serve [--port N] [--seed FILE] [--faults SPEC] ...
                     a local stand-in for the Processes API ('\(progname) sandbox serve --help')
          config list|set|get|remove|show|path
                     profiles of settings and credentials ('\(progname) config --help')
          completion bash|zsh|fish
                     a shell completion script for procsh

        Environment:
          WORKIVA_CLIENT_ID, WORKIVA_CLIENT_SECRET
                                   the OAuth client procsh signs in with (not with --sandbox)
          WORKIVA_SCOPE            scopes to ask for (default: the client's own)
          \(procshVariables)
                                   the same as the options; options win, then the
                                   environment, then the profile
          LUA_INIT_5_4, LUA_INIT   code (or @file) to run first, unless -E
          LUA_PATH_5_4, LUA_PATH   where 'require' looks for Lua modules (';;' adds the default)
          LUA_CPATH_5_4, LUA_CPATH where 'require' looks for C modules

        With no script and no -e or -v: the interactive prompt when standard input
        is a terminal (line editing, history, TAB completion; help() lists the
        API), else standard input runs as a script.

        Exit status: 0 done; 1 a Lua error (or not enough memory); 64 a wrong option
        or a mistake in the config file; for an uncaught API error, by its kind:
        64 usage, 65 validation (and API 4xx), 69 transport or server failure,
        75 temporary (timeout, 429, 503; --timeout passed; the --lock held),
        77 authentication or permission (a config file others can read).
        The Lua API: docs/lua-api.md.

        """
    }
}
