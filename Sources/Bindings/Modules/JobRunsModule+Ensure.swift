import JSON
import LuaKit
import ProcessesAPI

/// `jobruns.ensure(processRun, jobs [, opts])`: creates the jobs that are not
/// in the target group yet, so a script can be run again safely.
extension JobRunsModule {
    /// What ensure takes beyond create's options.
    static let ensureOptions = ["key"]

    static func ensure(_ args: CallArguments, session: APISession) throws -> Int32 {
        let runID = try args.id(1, name: "processRun", what: "a process run")
        // opts.key is a function, which the options' JSON cannot hold: it is
        // taken out while they are read, and put back when ensure returns.
        let key = try keyFunction(args)
        if key != nil {
            args.stack.pushNil()
            args.stack.rawSet(3, key: "key")
        }
        defer {
            if let key {
                args.stack.pushValue(at: key)
                args.stack.rawSet(3, key: "key")
            }
        }
        let (specs, options) = try arguments(args, runID: runID, extra: ensureOptions)
        let keys = try specs.indices.map { i throws -> String in
            guard let key = try self.key(of: specs[i], with: key, args: args, field: "jobs[\(i + 1)]") else {
                throw args.invalid(
                    "jobs[\(i + 1)]", "has no title, so jobruns.ensure cannot tell whether it is there; give opts.key",
                    code: .invalidValue)
            }
            return key
        }
        var first: [String: Int] = [:]
        for (i, k) in keys.enumerated() {
            if let earlier = first[k] {
                throw args.invalid(
                    "jobs[\(i + 1)]",
                    "has the same key as jobs[\(earlier + 1)] (\(JobMatching.show(k))); jobruns.ensure needs each job once",
                    code: .invalidValue)
            }
            first[k] = i
        }

        let creator = JobRunCreator(
            session: session, runID: runID, batchSize: options.batchSize, reconciles: options.reconcile, function: args.function)
        let run = try session.call { () throws(ProcessesAPIError) in try creator.readRun() }
        session.remember(run: run, id: runID)
        guard let (_, children) = Reconciliation.group(of: options.placement, in: run, runID: runID) else {
            let (name, id) = options.placement.group.map { ("opts.parentGroup", $0) } ?? ("opts.relativeSibling", options.placement.sibling ?? runID)
            throw ScriptError(ProcessesAPIError(
                kind: .api, status: 404, code: "notFound",
                message: "\(name.dropFirst("opts.".count)) \(id) is not in process run \(runID)", target: name,
                request: .init(.getProcessRun, runID), hint: "nothing was created"))
        }
        // The job runs of the group by key, the first of each.
        var standing: [String: JSONValue] = [:]
        for (i, child) in children.enumerated() where child["action"] != nil {
            guard let k = try self.key(of: child, with: key, args: args, field: "the job run \(child["id"]?.stringValue ?? "at \(i + 1)")")
            else { continue }
            if standing[k] == nil { standing[k] = child }
        }
        let present = keys.map { standing[$0] }

        let missing = present.filter { $0 == nil }.count
        let progress = session.showsProgress && missing > options.batchSize ? Progress(total: missing) : nil
        creator.progress = progress
        defer { progress?.finish() }
        let result: [JSONValue]
        do throws(JobRunCreator.Failure) {
            result = try creator.fill(specs[...], present: present, at: options.placement, offset: 0)
        } catch {
            throw partialFailure(error, total: specs.count)
        }
        try? args.stack.push(json: .array(result))
        args.stack.push(Int64(creator.createdCount))
        try? args.stack.push(json: .array(creator.records))
        return 3
    }

    /// `opts.key`: a function from a job spec or job run to a string, or nil for the default.
    private static func keyFunction(_ args: CallArguments) throws(ScriptError) -> Int32? {
        guard args.stack.type(at: 3) == .table else { return nil }
        let opts = args.stack.absoluteIndex(3)
        switch args.stack.rawGet(opts, key: "key") {
        case .nil:
            args.stack.pop()
            return nil
        case .function:
            return args.stack.top
        case let type:
            args.stack.pop()
            throw args.invalid("opts.key", "expected a function (job spec or job run -> string), got \(type.name)")
        }
    }

    /// The key of a job spec or job run: `opts.key(job)` (the function at
    /// stack index `function`), or ``JobMatching/defaultKey(_:)``.
    private static func key(of job: JSONValue, with function: Int32?, args: CallArguments, field: String) throws -> String? {
        guard let function else { return JobMatching.defaultKey(job) }
        let stack = args.stack
        stack.pushValue(at: function)
        try stack.push(json: job)
        try stack.call(arguments: 1, results: 1)
        defer { stack.pop() }
        switch stack.type(at: -1) {
        case .string, .number:
            return stack.string(at: -1)
        case let type:
            throw args.invalid("opts.key", "returned \(type == .nil ? "nil" : type.name) for \(field); it must return a string")
        }
    }
}
