import JSON
import LuaKit
import ProcessesAPI

/// `processruns`: read a process run with its whole tree, wait on it, walk it, print it.
enum ProcessRunsModule {
    static func push(onto stack: LuaStack, session: APISession) throws(LuaError) {
        let module = ModuleTable(stack, name: "processruns", size: 10)
        module.add("get", tables: [2: APISession.getOptions], answers: true) { args in
            try session.get(args, "processRun", what: "a process run", read: session.processRunAnswer, remembers: true)
        }
        module.add("wait", tables: [3: waitOptions], answers: true) { args in try ProcessRunsModule.wait(args, session: session) }
        // The tree walkers are plain Lua (Lua/tree_walkers.lua), compiled on first use.
        stack.pushValue(at: -1)
        stack.rawSet(LuaStack.registry, key: TreeWalkers.moduleKey)
        Bindings.setLazyFunctions(
            TreeWalkers.names, source: TreeWalkers.source, chunk: "processruns", module: "processruns", moduleKey: TreeWalkers.moduleKey,
            in: -1, onto: stack)
    }
}

extension APISession {
    /// What `get` takes as options.
    static let getOptions = ["excludeGeneratedJobs"]

    /// Runs an API call from a binding; its failure becomes an error table.
    func call<T>(_ body: () throws(ProcessesAPIError) -> T) throws(ScriptError) -> T {
        do {
            return try body()
        } catch {
            throw ScriptError(error)
        }
    }

    /// `module.get(id [, { excludeGeneratedJobs = bool }])`: reads one with
    /// `read` and pushes the answer as Lua tables (one result); a whole run
    /// read is kept when it `remembers`.
    func get(
        _ args: CallArguments, _ argument: String, what: String,
        read: (_ id: String, _ excludeGeneratedJobs: Bool?) throws(ProcessesAPIError) -> JSONAnswer, remembers: Bool = false
    ) throws -> Int32 {
        let id = try args.id(1, name: argument, what: what)
        let opts = try args.options(2, name: "opts", allowed: Self.getOptions)
        let exclude = try args.bool(opts, "excludeGeneratedJobs", in: "opts")
        let answer = try call { () throws(ProcessesAPIError) in try read(id, exclude) }
        // A whole run's tree is what tells later creates' lost answers apart (docs/lua-api.md, "Exactly once").
        try answer.push(onto: args.stack)
        if remembers && exclude != true { remember(run: answer, id: id) }
        return 1
    }
}
