#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CLuaShim

// procsh: Lua 5.4 for automating Workiva's Processes API.
let argv = (0..<Int(CommandLine.argc)).compactMap { CommandLine.unsafeArgv[$0] }
let words = argv.map { String(cString: $0) }
let status: Int32
if let helper = Subcommand.match(words) {
    status = Subcommand.exec(helper, words: words)
} else {
    status = Interpreter(argv: argv).main()
}
fflush(luash_stdout())
exit(status)
