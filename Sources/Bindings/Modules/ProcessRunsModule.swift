import JSON
import LuaKit
import ProcessesAPI

/// `processruns`: read a process run with its whole tree, walk it, print it.
enum ProcessRunsModule {
    static func push(onto stack: LuaStack, session: APISession) throws(LuaError) {
        let module = ModuleTable(stack, name: "processruns", size: 6)
        module.add("get") { args in
            let id = try args.id(1, name: "processRun", what: "a process run")
            let opts = try args.options(2, name: "opts", allowed: ["excludeGeneratedJobs"])
            let exclude = try args.bool(opts, "excludeGeneratedJobs", in: "opts")
            return try session.answer(
                args,
                .init(operationID: "getProcessRun", method: .get, path: ["processRuns", id], query: exclude.map { [("excludeGeneratedJobs", "\($0)")] } ?? []))
        }
        // The tree walkers are plain Lua (TreeWalkers.swift), added to the table.
        try stack.load(TreeWalkers.source, name: "=processruns")
        stack.pushValue(at: -2)
        stack.push(function: { s in  // invalid(field, message): a validation error table
            let field = s.string(at: 1) ?? "?"
            throw ScriptError(ValidationError(code: .wrongType, field: field, message: s.string(at: 2) ?? "").apiError())
        }, name: "processruns")
        try stack.call(arguments: 2, results: 0)
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

    /// Sends a read and pushes the answer as Lua tables (one result).
    func answer(_ args: CallArguments, _ request: ProcessesClient.JSONRequest) throws(ScriptError) -> Int32 {
        let answer = try call { () throws(ProcessesAPIError) in
            try read { client async throws(ProcessesAPIError) in try await client.send(json: request) }
        }
        try? args.stack.push(json: answer)
        return 1
    }
}
