/// The parts of `processruns` that walk a run's tree. They only read plain
/// tables, so they are written in Lua, where a script's author can read them.
enum TreeWalkers {
    /// The functions the chunk defines in the `processruns` table.
    static let names = ["each", "jobs", "groups", "find", "isgroup", "label", "tree"]
    /// Where the `processruns` table is kept in the registry for them.
    static let moduleKey = "procsh.processruns"

    /// The chunk: Sources/Bindings/Lua/tree_walkers.lua, compiled into Bindings by the EmbedLua build plugin.
    static let source = EmbeddedLua.treeWalkers
}
