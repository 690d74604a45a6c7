import Foundation
import JSON
import LuaKit
import ProcessesAPI

/// `processes`: list, read, create, validate, rename, run and trash processes (definitions).
enum ProcessesModule {
    /// The options of `list`, `run` and `lastrun`.
    static let listOptions = ["filter", "orderBy", "pageSize"]
    static let runOptions = ["sendProcessCompleteEmail"]
    static let lastRunOptions = ["since"]

    static func push(onto stack: LuaStack, session: APISession) {
        let module = ModuleTable(stack, name: "processes", size: 8)
        let known = KnownRuns()
        module.add("list", tables: [1: listOptions]) { args in try list(args, session: session) }
        module.add("get", tables: [2: APISession.getOptions], answers: true) { args in
            try session.get(args, "process", what: "a process", read: session.processAnswer)
        }
        module.add("create", answers: true) { args in
            guard args.stack.type(at: 1) == .table else {
                throw args.invalid("process", "expected a process definition table ({name=, children=} or {name=, root=}), got \(args.describe(1))")
            }
            let given = try args.json(1, name: "process")
            let body: JSONValue  // in createProcess' shape (ProcessDefinition.swift)
            do throws(ValidationError) {
                body = try ProcessDefinition.body(from: given, at: "process")
            } catch {
                throw ScriptError(error)
            }
            if Self.nesting(of: body["root"] ?? [:]) > Self.maximumNesting {
                throw args.invalid(
                    "process", "groups are nested more than \(Self.maximumNesting) deep; a process's tree is at most that deep",
                    code: .invalidValue)
            }
            let model = try ModelCoding.model(Components.Schemas.ProcessCreate.self, from: body, field: "process")
            let process = try session.call { () throws(ProcessesAPIError) in
                try session.send(
                    .createProcess, { client async throws(ProcessesAPIError) in try await client.createProcess(model) },
                    pretend: {
                        var members = body.objectValue ?? [:]
                        members["id"] = .string(session.madeUpID("process"))
                        members["dryRun"] = true
                        members["root"] = nil  // a dry run does not make up ids for the tree
                        return (try? ModelCoding.model(Components.Schemas.Process.self, from: .object(members), field: "process"))
                            ?? Components.Schemas.Process(id: session.madeUpID("process"))
                    })
            }
            try? args.stack.push(json: ModelCoding.json(process))
            return 1
        }
        module.add("run", tables: [2: runOptions], answers: true) { args in
            let id = try args.id(1, name: "process", what: "a process")
            let opts = try args.options(2, name: "opts", allowed: runOptions)
            let email = try args.bool(opts, "sendProcessCompleteEmail", in: "opts")
            // An answer lost on the way is looked for, never sent again (ProcessRunRecovery.swift).
            let run = try session.runProcess(id: id, sendProcessCompleteEmail: email, known: known.of(id))
            if !session.dryRun { known.add(run, of: id) }
            try? args.stack.push(json: run)
            return 1
        }
        module.add("trash") { args in
            let id = try args.id(1, name: "process", what: "a process")
            try session.call { () throws(ProcessesAPIError) in
                try session.send(.trashProcess, { client async throws(ProcessesAPIError) in try await client.trashProcess(id: id) }, pretend: {})
            }
            return 0
        }
        module.add("validate") { args in
            let id = try args.id(1, name: "process", what: "a process")
            // It changes nothing (file:read), so a dry run sends it too.
            let result = try session.call { () throws(ProcessesAPIError) in
                try session.send(.validateProcess) { client async throws(ProcessesAPIError) in try await client.validateProcess(id: id) }
            }
            try? args.stack.push(json: ModelCoding.json(result.errors))
            return 1
        }
        module.add("rename", answers: true) { args in try rename(args, session: session) }
        module.add("lastrun", tables: [2: lastRunOptions], answers: true) { args in try lastRun(args, session: session, known: known) }
    }

    /// `processes.lastrun(process [, {since=}])`: the process's latest run as
    /// the API shows it (the process's `run` member: the API shows no other
    /// runs of a process), or nil; with `since`, nil unless it was created then
    /// or later.
    static func lastRun(_ args: CallArguments, session: APISession, known: KnownRuns) throws(ScriptError) -> Int32 {
        let id = try args.id(1, name: "process", what: "a process")
        let opts = try args.options(2, name: "opts", allowed: lastRunOptions)
        let since = try Self.since(opts["since"], args)
        guard let run = try session.lastRun(of: id) else {
            args.stack.pushNil()
            return 1
        }
        known.add(run, of: id)
        if let since {
            guard let created = RunEvidence.created(of: run) else {
                throw ScriptError(ProcessesAPIError(
                    kind: .transport, code: "invalidResponse",
                    message: "the process's latest run (\(run["id"]?.stringValue ?? "no id")) shows no created.dateTime, so it cannot be compared with opts.since",
                    request: .init(.getProcess, id)))
            }
            if created < since {
                args.stack.pushNil()
                return 1
            }
        }
        try? args.stack.push(json: run)
        return 1
    }

    /// `opts.since`: an RFC 3339 date-time (`"2026-04-01T09:30:00Z"`, what
    /// `error.since` holds) or seconds since 1970 (what `os.time()` gives).
    static func since(_ value: JSONValue?, _ args: CallArguments) throws(ScriptError) -> Date? {
        switch value {
        case nil, .null?: return nil
        case .integer(let seconds)?: return Date(timeIntervalSince1970: Double(seconds))
        case .double(let seconds)? where seconds.isFinite: return Date(timeIntervalSince1970: seconds)
        case .string(let text)?:
            guard let date = RunEvidence.date(from: text) else {
                throw args.invalid(
                    "opts.since", "'\(text)' is not an RFC 3339 date-time such as \"2026-04-01T09:30:00Z\"", code: .invalidValue)
            }
            return date
        case let other?:
            throw args.invalid(
                "opts.since",
                "expected an RFC 3339 date-time string (such as error.since) or seconds since 1970 (os.time()), got \(ValidationError.describe(other))")
        }
    }

    /// `processes.list{filter=, orderBy=, pageSize=}`: an iterator over every
    /// process, fetching a page when the previous one is used up.
    static func list(_ args: CallArguments, session: APISession) throws(ScriptError) -> Int32 {
        let opts = try args.options(1, name: "opts", allowed: listOptions)
        let pages = Pages(
            filter: try args.string(opts, "filter", in: "opts"), orderBy: try args.string(opts, "orderBy", in: "opts"),
            pageSize: try args.integer(opts, "pageSize", in: "opts", range: 1...1000))
        args.stack.push(function: { s in
            guard let process = try pages.next(session: session) else {
                s.pushNil()
                return 1
            }
            try? s.push(json: process)
            LuaCompletionHints.noteWords(in: s, count: 1)
            return 1
        }, name: "processes.list iterator")
        return 1
    }

    /// One listing as the script reads it: ``ProcessListing``'s iterator,
    /// advanced one process per call (a page is fetched when one runs out).
    final class Pages {
        let filter: String?
        let orderBy: String?
        let pageSize: Int?
        var iterator: ProcessListing.Iterator?

        init(filter: String?, orderBy: String?, pageSize: Int?) {
            (self.filter, self.orderBy, self.pageSize) = (filter, orderBy, pageSize)
        }

        func next(session: APISession) throws(ScriptError) -> JSONValue? {
            let current = try session.call { () throws(ProcessesAPIError) in
                if let iterator { return iterator }
                return try session.client().processes(filter: filter, orderBy: orderBy, pageSize: pageSize).makeAsyncIterator()
            }
            let client = try session.call { () throws(ProcessesAPIError) in try session.client() }
            let (process, advanced) = try session.call { () throws(ProcessesAPIError) in
                try Blocking.wait({ () async throws(ProcessesAPIError) in
                    var iterator = current
                    let process = try await iterator.next()
                    return (process, iterator)
                }) { APISession.stopped($0, during: client.requestInFlight) }
            }
            iterator = advanced
            return process.map(ModelCoding.json)
        }
    }

    /// The deepest nesting of groups a definition may have. The API documents
    /// no limit; the model coders stop at a few hundred levels, and checking
    /// first gives a clear error instead of theirs.
    static let maximumNesting = 64

    /// How many levels of groups a group in createProcess' shape holds (1 for its own children).
    static func nesting(of group: JSONValue) -> Int {
        guard let children = group["children"]?.arrayValue else { return 0 }
        return 1 + (children.compactMap { $0["group"].map(nesting(of:)) }.max() ?? 0)
    }
}
