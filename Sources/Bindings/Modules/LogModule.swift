import LuaKit
import Logging

/// `log.debug/info/warn/error(format, ...)`: messages on standard error
/// through swift-log, like the client's own (retries, for example).
enum LogModule {
    static let levels: [(name: String, level: Logger.Level)] = [
        ("debug", .debug), ("info", .info), ("warn", .warning), ("error", .error),
    ]

    /// The registry key of the table the log functions' chunk reads its
    /// parts from (`log`, `emit`, `threshold`) and puts the real functions in.
    static let partsKey = "procsh.log.parts"

    /// Pushes the `log` table. Its functions are Lua, compiled on the first
    /// call (``Bindings/setLazyFunctions``): most runs never log.
    static func push(onto stack: LuaStack, logger: Logger) {
        stack.newTable(hash: 4)  // log
        let log = stack.top
        let parts = ModuleTable(stack, name: "log", size: 8)
        parts.add("emit") { args in
            let level = levels.first { $0.name == args.stack.string(at: 1) }?.level ?? .info
            logger.log(level: level, "\(args.stack.lossyString(at: 2) ?? "")")
            return 0
        }
        stack.pushValue(at: log)
        stack.rawSet(-2, key: "log")
        stack.push(levels.firstIndex { logger.logLevel <= $0.level }.map { $0 + 1 } ?? 5)
        stack.rawSet(-2, key: "threshold")
        stack.rawSet(LuaStack.registry, key: partsKey)
        Bindings.setLazyFunctions(levels.map(\.name), source: source, chunk: "log", module: "log", moduleKey: partsKey, in: log, onto: stack)
    }

    /// Formatting is Lua's string.format, and skipped below the level.
    /// A bad format is a validation error naming log.x (field "format");
    /// an error raised by the script's own code (a __tostring) goes on unchanged.
    /// The chunk: Sources/Bindings/Lua/log.lua, compiled into Bindings by the EmbedLua build plugin.
    static let source = EmbeddedLua.log
}
