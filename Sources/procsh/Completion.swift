import Bindings
import Foundation
import REPL

/// `procsh completion bash|zsh|fish`: a shell completion script for procsh's
/// options, their values and the subcommands. Install with, for example,
/// `procsh completion bash > /etc/bash_completion.d/procsh` (docs/cron.md).
enum Completion {
    /// An option as completion sees it.
    struct Option {
        let name: String
        /// What follows: nil (nothing), a fixed list, or a kind of value.
        let value: Value?
        let about: String
    }

    enum Value: Sendable {
        case words([String])
        case file
        case profile
        case text
    }

    /// procsh's own options (``ProcshOption/all``), then lua.c's.
    static let options: [Option] = ProcshOption.all.compactMap { option in
        option.flag.map { Option(name: $0, value: option.value?.completion, about: option.about) }
    } + [
        Option(name: "-e", value: .text, about: "execute a statement"),
        Option(name: "-l", value: .text, about: "require a library"),
        Option(name: "-i", value: nil, about: "the prompt after the script"),
        Option(name: "-v", value: nil, about: "show version information"),
        Option(name: "-E", value: nil, about: "ignore LUA_* environment variables"),
        Option(name: "-W", value: nil, about: "turn warnings on"),
    ]

    static let subcommands: [(name: String, about: String, words: [String])] = [
        ("sandbox", "the local stand-in for the API", ["serve"]),
        ("config", "profiles of settings", ["list", "set", "get", "remove", "show", "path"]),
        ("completion", "a shell completion script", ["bash", "zsh", "fish"]),
    ]

    static func run(_ words: [String], progname: String) -> Int32 {
        switch words {
        case ["bash"]: Console.write(bash)
        case ["zsh"]: Console.write(zsh)
        case ["fish"]: Console.write(fish)
        default:
            Console.writeError("\(progname) completion: which shell? usage: procsh completion bash|zsh|fish\n")
            return ExitStatus.usage
        }
        return 0
    }

    static func names(_ value: Value?) -> [String] {
        options.filter { option in
            switch (option.value, value) {
            case (nil, nil), (.file?, .file?), (.profile?, .profile?), (.text?, .text?): return true
            default: return false
            }
        }.map(\.name)
    }

    static var bash: String {
        let all = options.map(\.name).joined(separator: " ")
        var cases = options.compactMap { option -> String? in
            guard case .words(let words)? = option.value else { return nil }
            return "    \(option.name)) COMPREPLY=($(compgen -W \"\(words.joined(separator: " "))\" -- \"$cur\")); return ;;"
        }
        cases.append("    --profile) COMPREPLY=($(compgen -W \"$(procsh config list 2>/dev/null | cut -f1)\" -- \"$cur\")); return ;;")
        cases.append("    \(names(.file).joined(separator: "|"))) COMPREPLY=($(compgen -f -- \"$cur\")); return ;;")
        cases.append("    \(names(.text).joined(separator: "|"))) return ;;")
        let subcommandCases = subcommands.map { sub in
            "      \(sub.name)) COMPREPLY=($(compgen -W \"\(sub.words.joined(separator: " "))\" -- \"$cur\")); return ;;"
        }
        return """
            # bash completion for procsh (procsh completion bash)
            _procsh() {
              local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}"
              case "$prev" in
            \(cases.joined(separator: "\n"))
              esac
              if [ "$COMP_CWORD" -eq 2 ]; then
                case "${COMP_WORDS[1]}" in
            \(subcommandCases.joined(separator: "\n"))
                esac
              fi
              if [[ "$cur" == -* ]]; then
                COMPREPLY=($(compgen -W "\(all)" -- "$cur"))
              elif [ "$COMP_CWORD" -eq 1 ]; then
                COMPREPLY=($(compgen -W "\(subcommands.map(\.name).joined(separator: " "))" -- "$cur") $(compgen -f -- "$cur"))
              else
                COMPREPLY=($(compgen -f -- "$cur"))
              fi
            }
            complete -o filenames -F _procsh procsh

            """
    }

    static var zsh: String {
        let specs = options.map { option -> String in
            let about = option.about.replacingOccurrences(of: "'", with: "")
            switch option.value {
            case nil: return "  '\(option.name)[\(about)]'"
            case .words(let words)?: return "  '\(option.name)=[\(about)]:value:(\(words.joined(separator: " ")))'"
            case .file?: return "  '\(option.name)=[\(about)]:file:_files'"
            case .profile?: return "  '\(option.name)=[\(about)]:profile:($(procsh config list 2>/dev/null | cut -f1))'"
            case .text?: return "  '\(option.name)=[\(about)]:value: '"
            }
        }
        let subs = subcommands.map { "'\($0.name):\($0.about)'" }.joined(separator: " ")
        return """
            #compdef procsh
            # zsh completion for procsh (procsh completion zsh)
            _procsh() {
              _arguments -s \\
            \(specs.joined(separator: " \\\n")) \\
                '1: :->first' '*:file:_files'
              case $state in
                first) _alternative 'subcommands:subcommand:((\(subs)))' 'files:script:_files' ;;
              esac
            }
            _procsh "$@"

            """
    }

    static var fish: String {
        var lines = ["# fish completion for procsh (procsh completion fish)"]
        for option in options {
            let flag = option.name.hasPrefix("--") ? "-l \(option.name.dropFirst(2))" : "-s \(option.name.dropFirst())"
            var line = "complete -c procsh \(flag) -d '\(option.about.replacingOccurrences(of: "'", with: ""))'"
            switch option.value {
            case nil: break
            case .words(let words)?: line += " -x -a '\(words.joined(separator: " "))'"
            case .file?: line += " -r -F"
            case .profile?: line += " -x -a '(procsh config list 2>/dev/null | cut -f1)'"
            case .text?: line += " -x"
            }
            lines.append(line)
        }
        for sub in subcommands {
            lines.append("complete -c procsh -n '__fish_is_first_arg' -a \(sub.name) -d '\(sub.about)'")
            lines.append("complete -c procsh -n '__fish_seen_subcommand_from \(sub.name)' -x -a '\(sub.words.joined(separator: " "))'")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
