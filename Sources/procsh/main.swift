#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LuaKit

// procsh: Lua 5.4 for automating Workiva's Processes API.
let argv = (0..<Int(CommandLine.argc)).compactMap { CommandLine.unsafeArgv[$0] }
let words = argv.map { String(cString: $0) }
let status: Int32
switch Subcommand.match(words) {
case .sandbox:
    SandboxCommand.main(Array(words.dropFirst(2)))  // exits on a usage error; returns when serving ends
    status = 0
case .completion:
    status = Completion.run(Array(words.dropFirst(2)), progname: words[0])
case .config:
    status = ConfigCommand.run(Array(words.dropFirst(2)), progname: words[0])
case nil:
    status = Interpreter(argv: argv).main()
}
RunEnd.finish(status: status)  // --quiet-on-success's held output, --ping-url's last ping
exit(status)
