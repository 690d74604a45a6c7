import LuaKit
import Logging

/// `log.debug/info/warn/error(format, ...)`: messages on standard error
/// through swift-log, like the client's own (retries, for example).
enum LogModule {
    static let levels: [(name: String, level: Logger.Level)] = [
        ("debug", .debug), ("info", .info), ("warn", .warning), ("error", .error),
    ]

    static func push(onto stack: LuaStack, logger: Logger) throws(LuaError) {
        let module = ModuleTable(stack, name: "log", size: 5)
        module.add("emit") { args in
            let level = levels.first { $0.name == args.stack.string(at: 1) }?.level ?? .info
            logger.log(level: level, "\(args.stack.lossyString(at: 2) ?? "")")
            return 0
        }
        // Formatting is Lua's string.format, and skipped below the level.
        try stack.load(
            """
            local M, threshold = ...
            local emit, format, tostring, select, pcall, error = M.emit, string.format, tostring, select, pcall, error
            M.emit = nil
            local rank = { debug = 1, info = 2, warn = 3, error = 4 }
            for name, r in pairs(rank) do
              M[name] = function(message, ...)
                if r < threshold then return end
                if select("#", ...) > 0 then
                  local ok, text = pcall(format, message, ...)
                  -- format's arguments are log's: name log.x in its complaint
                  if not ok then error((text:gsub("^bad argument #(%d+) to '[^']*'", "bad argument #%1 to 'log." .. name .. "'")), 2) end
                  message = text
                else
                  message = tostring(message)
                end
                emit(name, message)
              end
            end
            """, name: "=log")
        stack.pushValue(at: -2)
        let threshold = levels.firstIndex { logger.logLevel <= $0.level }.map { $0 + 1 } ?? 5
        stack.push(threshold)
        try stack.call(arguments: 2, results: 0)
    }
}
