import CLuaShim

/// The Lua that LuaKit runs.
public enum LuaVersion {
    /// `Lua 5.4.6  Copyright (C) 1994-2023 Lua.org, PUC-Rio` (`LUA_COPYRIGHT`).
    public static var copyright: String { String(cString: luash_copyright()) }
}
