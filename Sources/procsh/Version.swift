import LuaKit
import ProcessesAPI

/// The lines `-v` prints (procsh's version is ``APIVersion/procsh``).
enum Version {
    /// procsh's own line, printed before Lua's.
    static var line: String { "procsh \(APIVersion.procsh)  Workiva Processes API automation (API \(APIVersion.current))" }

    /// Lua's version and copyright line, exactly as lua.c prints it.
    static var luaLine: String { LuaVersion.copyright }
}
