/// `procsh.inspect(value [, opts])`: a value as readable text, the prompt's
/// printer. Written in Lua: it only reads tables.
enum Inspect {
    /// The chunk: Sources/Bindings/Lua/inspect.lua, compiled into Bindings by the EmbedLua build plugin.
    static let source = EmbeddedLua.inspect
}
