import CLuaShim
import JSON
import LuaKit
import ProcessesAPI

/// `processruns`: read a process run with its whole tree, wait on it, walk it, print it.
enum ProcessRunsModule {
    static func push(onto stack: LuaStack, session: APISession) throws(LuaError) {
        let module = ModuleTable(stack, name: "processruns", size: 10)
        module.add("get") { args in
            try session.get(args, "processRun", what: "a process run", operationID: "getProcessRun", collection: "processRuns")
        }
        module.add("wait") { args in try ProcessRunsModule.wait(args, session: session) }
        // The tree walkers are plain Lua (TreeWalkers.swift), compiled on first use.
        stack.pushValue(at: -1)
        stack.rawSet(luash_registryindex(), key: TreeWalkers.moduleKey)
        Bindings.setLazyFunctions(
            TreeWalkers.names, source: TreeWalkers.source, chunk: "processruns", module: "processruns", moduleKey: TreeWalkers.moduleKey,
            in: -1, onto: stack)
    }
}

extension APISession {
    /// Runs an API call from a binding; its failure becomes an error table.
    func call<T>(_ body: () throws(ProcessesAPIError) -> T) throws(ScriptError) -> T {
        do {
            return try body()
        } catch {
            throw ScriptError(error)
        }
    }

    /// `module.get(id [, { excludeGeneratedJobs = bool }])`: reads
    /// `/collection/id` and pushes the answer as Lua tables (one result).
    func get(
        _ args: CallArguments, _ argument: String, what: String, operationID: String, collection: String
    ) throws(ScriptError) -> Int32 {
        let id = try args.id(1, name: argument, what: what)
        let opts = try args.options(2, name: "opts", allowed: ["excludeGeneratedJobs"])
        let exclude = try args.bool(opts, "excludeGeneratedJobs", in: "opts")
        let query = exclude.map { [(name: "excludeGeneratedJobs", value: "\($0)")] } ?? []
        let request = ProcessesClient.JSONRequest(operationID: operationID, method: .get, path: [collection, id], query: query)
        let answer = try call { () throws(ProcessesAPIError) in
            try read { client async throws(ProcessesAPIError) in try await client.send(json: request) }
        }
        // A whole run's tree is what tells later creates' lost answers apart (docs/lua-api.md, "Exactly once").
        if operationID == "getProcessRun" && exclude != true { remember(run: answer, id: id) }
        try? args.stack.push(json: answer)
        return 1
    }
}
