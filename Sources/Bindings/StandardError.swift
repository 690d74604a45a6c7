import CLuaShim

#if canImport(Glibc)
import Glibc
#endif

/// Writes to the process's standard error through C stdio (the same stream
/// Lua's io.stderr uses, so output interleaves in order).
public enum StandardError {
    public static func write(_ text: String) {
        fputs(text, luash_stderr())
        fflush(luash_stderr())
    }
}
