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
        // A bad format is a validation error naming log.x (field "format");
        // an error raised by the script's own code (a __tostring) goes on unchanged.
        try stack.load(
            """
            local M, threshold, invalid = ...
            local emit, format, tostring, select, pcall, error, type, find, gsub =
              M.emit, string.format, tostring, select, pcall, error, type, string.find, string.gsub
            M.emit = nil
            -- string.format's and tostring's own complaints (not a script's error)
            local function lua_complaint(e)
              return type(e) == "string" and (find(e, "^bad argument #%d+ to '[%w_.]*format'") ~= nil
                or find(e, "to 'format'$") ~= nil or find(e, "^'__tostring' must return a string$") ~= nil)
            end
            local rank = { debug = 1, info = 2, warn = 3, error = 4 }
            for name, r in pairs(rank) do
              local fname = "log." .. name
              M[name] = function(message, ...)
                if r < threshold then return end
                local ok, text
                if select("#", ...) > 0 then
                  ok, text = pcall(format, message, ...)
                else
                  ok, text = pcall(tostring, message)
                end
                if not ok then
                  if not lua_complaint(text) then error(text, 0) end
                  local wrongtype = find(text, "^bad argument") or find(text, "^'__tostring'")
                  invalid("format", fname .. ": " .. gsub(text, "^bad argument (#%d+) to '[%w_.]*format'", "bad argument %1"),
                    wrongtype and "wrongType" or "invalidValue")
                end
                emit(name, text)
              end
            end
            """, name: "=log")
        stack.pushValue(at: -2)
        let threshold = levels.firstIndex { logger.logLevel <= $0.level }.map { $0 + 1 } ?? 5
        stack.push(threshold)
        ScriptError.pushValidationRaiser(onto: stack, name: "log")
        try stack.call(arguments: 3, results: 0)
    }
}
