/// `help()` and `help(f)`: the API at the prompt. Each entry: the function's
/// name, its signature, what it does, and an example (docs/lua-api.md has it
/// all).
enum Help {
    /// The chunk: Sources/Bindings/Lua/help.lua, compiled into Bindings by the EmbedLua build plugin.
    static let source = EmbeddedLua.help
}
