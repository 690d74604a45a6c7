import Bindings
import LuaKit

/// procsh's version, and the lines `-v` prints.
enum Version {
    static let procsh = Bindings.version

    /// procsh's own line, printed before Lua's.
    static var line: String { "procsh \(procsh)  Workiva Processes API automation (API 2026-04-01.processes.preview)" }

    /// Lua's version and copyright line, exactly as lua.c prints it.
    static var luaLine: String { LuaVersion.copyright }
}
