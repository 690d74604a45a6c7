import LuaKit

/// Writes to the process's standard error through C stdio (the same stream
/// Lua's io.stderr uses, so output interleaves in order).
public enum StandardError {
    public static func write(_ text: String) {
        LuaStreams.writeError(text)
    }
}
