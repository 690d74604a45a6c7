/// The command line, read as lua.c reads it (`collectargs`), plus procsh's own
/// long options.
///
/// lua.c's options come first (`-e stat`, `-l mod`, `-i`, `-v`, `-E`, `-W`),
/// then the script and its arguments; `--` ends the options and `-` runs
/// standard input. procsh adds long options (`--help`, `--sandbox`,
/// `--base-url URL`...), which lua.c would reject, so they can never change
/// how a plain Lua script runs. A word that is not an option is the script
/// (subcommands are matched before, see ``Subcommand``).
struct Arguments {
    /// What the options ask for before any Lua code runs.
    struct Flags: OptionSet {
        let rawValue: Int
        static let interactive = Flags(rawValue: 1 << 0)  // -i
        static let version = Flags(rawValue: 1 << 1)  // -v (and -i)
        static let execute = Flags(rawValue: 1 << 2)  // -e
        static let ignoreEnvironment = Flags(rawValue: 1 << 3)  // -E
        static let help = Flags(rawValue: 1 << 4)  // --help
        static let procshVersion = Flags(rawValue: 1 << 5)  // --version
    }

    /// The result of reading the options.
    enum Parsed {
        /// The options are valid. `script` is the index of the script name
        /// (0 when there is none, as in lua.c).
        case run(flags: Flags, script: Int)
        /// A bad option at this index.
        case badOption(Int)
        /// A long option whose value is missing or wrong.
        case badValue(option: String, message: String)
    }


    /// Whether `word` is a long option whose value is the next word.
    static func takesNextWord(_ word: String) -> Bool {
        RunOptions.valued.contains(word)
    }

    /// Whether the word after an option that needs a value is another option
    /// (so the value is missing), rather than the value: `-5` is a value (a
    /// negative number, which the option's own rule then refuses with its range).
    static func isOption(_ word: String) -> Bool {
        word.utf8.first == UInt8(ascii: "-") && Double(word) == nil
    }

    /// procsh's long options that take no value and only set a flag.
    static let longOptions: [String: Flags] = [
        "--help": .help,
        "--version": .procshVersion,
    ]

    /// Reads the options in `argv` (`argv[0]` is the program name); procsh's
    /// procsh's own options go to `options`.
    static func collect(_ argv: [String], options: inout RunOptions) -> Parsed {
        var flags: Flags = []
        var i = 1
        while i < argv.count {
            let arg = Array(argv[i].utf8)
            guard arg.first == UInt8(ascii: "-") else { return .run(flags: flags, script: i) }  // the script
            let option = arg.count > 1 ? arg[1] : 0
            let extra = arg.count > 2
            switch option {
            case UInt8(ascii: "-"):
                if !extra { return .run(flags: flags, script: i + 1 < argv.count ? i + 1 : 0) }  // "--"
                if let flag = longOptions[argv[i]] {
                    flags.insert(flag)
                } else {
                    var name = argv[i]
                    var value: String?
                    if let equals = name.firstIndex(of: "=") {
                        value = String(name[name.index(after: equals)...])
                        name = String(name[..<equals])
                    }
                    if RunOptions.valued.contains(name) && value == nil {
                        i += 1
                        guard i < argv.count, !isOption(argv[i]) else {
                            return .badValue(option: name, message: "needs a value")
                        }
                        value = argv[i]
                    }
                    switch options.set(name, value) {
                    case .unknown: return .badOption(i)
                    case .invalid(let message): return .badValue(option: name, message: message)
                    case .set: break
                    }
                }
            case 0:
                return .run(flags: flags, script: i)  // "-": the script is stdin
            case UInt8(ascii: "E"):
                if extra { return .badOption(i) }
                flags.insert(.ignoreEnvironment)
            case UInt8(ascii: "W"):
                if extra { return .badOption(i) }
            case UInt8(ascii: "i"), UInt8(ascii: "v"):
                if extra { return .badOption(i) }
                if option == UInt8(ascii: "i") { flags.insert(.interactive) }  // -i implies -v
                flags.insert(.version)
            case UInt8(ascii: "e"), UInt8(ascii: "l"):
                if option == UInt8(ascii: "e") { flags.insert(.execute) }
                if !extra {  // the argument is the next word
                    i += 1
                    if i >= argv.count || argv[i].utf8.first == UInt8(ascii: "-") { return .badOption(i - 1) }
                }
            default:
                return .badOption(i)
            }
            i += 1
        }
        return .run(flags: flags, script: 0)
    }
}
