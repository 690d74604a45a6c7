import CLua

/// The status codes the Lua C API returns (`lua_pcall`, `luaL_loadbuffer`...),
/// for the modules that compare them and must not import the C targets.
public enum LuaStatus {
    /// Success (`LUA_OK`).
    public static let ok = Int32(LUA_OK)
    /// A runtime error (`LUA_ERRRUN`).
    public static let runtimeError = Int32(LUA_ERRRUN)
    /// A syntax error while loading (`LUA_ERRSYNTAX`).
    public static let syntaxError = Int32(LUA_ERRSYNTAX)
}
