import JSON
import LuaKit
import ProcessesAPI

/// `jobruns`: create job runs in a running process run, and the builders of
/// job specs (`jobruns.sendTask{...}`, `jobruns.contentRequest{...}`).
enum JobRunsModule {
    /// How many job runs one request carries; more are sent in consecutive
    /// requests. The API documents no maximum; 100 keeps each request far
    /// below the 10 MB body limit and its work short.
    static let defaultBatchSize = 100
    static let maximumBatchSize = 1000

    static let optionNames = ["relativeSibling", "relativeSiblingId", "parentGroup", "parentGroupId", "before", "batchSize", "reconcile"]
    /// The options the prompt offers (the API's own names, `...Id`, are taken too).
    static let completedOptions = optionNames.filter { !$0.hasSuffix("Id") }

    static func push(onto stack: LuaStack, session: APISession) {
        let module = ModuleTable(stack, name: "jobruns", size: 5)
        module.add("create", tables: [3: completedOptions], answers: true) { args in try create(args, session: session) }
        module.add("ensure", tables: [3: completedOptions + ensureOptions], answers: true) { args in try ensure(args, session: session) }
        for builder in JobBuilder.all {
            module.add(builder.action, tables: [1: builder.fields.members.map(\.name)]) { args in
                let spec = try args.json(1, name: builder.action)
                let job: JSONValue
                do throws(ValidationError) {
                    job = try builder.build(spec, at: builder.action)
                } catch {
                    throw ScriptError(error)
                }
                try? args.stack.push(json: job)
                return 1
            }
        }
    }

    /// What `opts` asks: where the jobs go, in what batches, whether lost answers are looked into.
    struct Options {
        var placement = JobRunPlacement()
        var batchSize = defaultBatchSize
        var reconcile = true
    }

    static func options(_ args: CallArguments, at index: Int32, extra: [String] = []) throws(ScriptError) -> Options {
        let opts = try args.options(index, name: "opts", allowed: optionNames + extra)
        var options = Options()
        options.placement.sibling = try pick(args, opts, "relativeSibling", "relativeSiblingId", what: "a job run or group run")
        options.placement.group = try pick(args, opts, "parentGroup", "parentGroupId", what: "a group run")
        options.placement.before = try args.bool(opts, "before", in: "opts")
        if options.placement.before != nil && options.placement.sibling == nil {
            throw args.invalid(
                "opts.before", "'before' places the jobs relative to a sibling; give relativeSibling too",
                code: .invalidValue)
        }
        options.batchSize = try args.integer(opts, "batchSize", in: "opts", range: 1...maximumBatchSize) ?? defaultBatchSize
        options.reconcile = try args.bool(opts, "reconcile", in: "opts") ?? true
        return options
    }

    /// One of an option's two names (`relativeSibling` or the API's `relativeSiblingId`).
    private static func pick(
        _ args: CallArguments, _ opts: [String: JSONValue], _ name: String, _ apiName: String, what: String
    ) throws(ScriptError) -> String? {
        switch (opts[name], opts[apiName]) {
        case (nil, nil): return nil
        case (let value?, nil): return try args.id(in: value, name: "opts.\(name)", what: what)
        case (nil, let value?): return try args.id(in: value, name: "opts.\(apiName)", what: what)
        case (.some, .some):
            throw args.invalid("opts.\(apiName)", "give \(name) or \(apiName), not both", code: .invalidValue)
        }
    }

    /// The job specs of argument `index`: an array of specs, or one spec.
    static func jobs(_ args: CallArguments, at index: Int32) throws(ScriptError) -> [JSONValue] {
        guard args.stack.type(at: index) == .table else {
            throw args.invalid(
                "jobs", "expected an array of job specs (or one job spec), got \(args.describe(index))")
        }
        var value = try args.json(index, name: "jobs")
        if case .object(let members) = value {
            guard members.isEmpty else {
                // One spec on its own (it has `action`, `arguments`...): a batch of one.
                value = .array([value])
                return try validated(value, args)
            }
            value = .array([])
        }
        return try validated(value, args)
    }

    private static func validated(_ value: JSONValue, _ args: CallArguments) throws(ScriptError) -> [JSONValue] {
        guard case .array(let items) = value, !items.isEmpty else {
            throw args.invalid("jobs", "no job specs: give at least one", code: .emptyValue)
        }
        do {
            // Conformed: an empty table where the schema says array is an empty array.
            return try Schema.array(of: RequestSchemas.jobRun).conformed(value, at: "jobs").arrayValue ?? items
        } catch {
            throw ScriptError(error)
        }
    }

    /// `jobruns.create(processRun, jobs [, opts])`: the job runs, and what
    /// was reconciled after lost answers (an array, empty on the happy path).
    static func create(_ args: CallArguments, session: APISession) throws(ScriptError) -> Int32 {
        let runID = try args.id(1, name: "processRun", what: "a process run")
        let (specs, options) = try arguments(args, runID: runID)
        let creator = JobRunCreator(
            session: session, runID: runID, batchSize: options.batchSize, reconciles: options.reconcile, function: args.function)
        let progress = session.showsProgress && specs.count > options.batchSize ? Progress(total: specs.count) : nil
        creator.progress = progress
        defer { progress?.finish() }
        let created: [JSONValue]
        do throws(JobRunCreator.Failure) {
            created = try creator.create(specs[...], at: options.placement, offset: 0)
        } catch {
            throw partialFailure(error, total: specs.count)
        }
        try? args.stack.push(json: .array(created))
        try? args.stack.push(json: .array(creator.records))
        return 2
    }

    /// The job specs and options of `jobruns.create` and `jobruns.ensure`;
    /// a mistake in them is an error that says nothing was sent.
    static func arguments(_ args: CallArguments, runID: String, extra: [String] = []) throws(ScriptError) -> ([JSONValue], Options) {
        do {
            return (try jobs(args, at: 2), try options(args, at: 3, extra: extra))
        } catch {
            var refused = error
            refused.error.request = .init(.createJobRuns, runID)
            refused.error.hint = "nothing was sent"
            throw refused
        }
    }

    /// What a dry run returns: the jobs as given, with made-up ids.
    static func pretendJobRuns(_ specs: ArraySlice<JSONValue>, group: String?, session: APISession) -> JSONValue {
        .array(specs.map { spec in
            var members = spec.objectValue ?? [:]
            members["id"] = .string(session.madeUpID("jobrun"))
            if let group { members["parent"] = .string(group) }
            members["dryRun"] = true
            return .object(members)
        })
    }

    /// The error of a batch that failed after `created` were made: it says
    /// which jobs exist now and which do not (or may, when the outcome of the
    /// failed request is unknown, and why procsh could not find out).
    static func partialFailure(_ failure: JobRunCreator.Failure, total: Int) -> ScriptError {
        let (created, failed) = (failure.created, failure.failed)
        var error = failure.error
        let unknown = error.mayHaveBeenDone
        var extra: [(key: String, value: JSONValue)] = [("created", .array(created))]
        // The server counts jobs from 0 within its request; scripts count from 1 in their list.
        if let index = error.meta?["jobIndex"]?.integerValue, index >= 0, Int(index) < failed.count {
            extra.append(("failedJob", .integer(Int64(failed.lowerBound) + index + 1)))
        }
        let notCreatedStart = unknown ? failed.upperBound : failed.lowerBound
        extra.append(("notCreated", .array((notCreatedStart..<total).map { .integer(Int64($0 + 1)) })))
        if unknown { extra.append(("unknown", .array(failed.map { .integer(Int64($0 + 1)) }))) }
        if let why = failure.undecided {
            extra.append(("undecided", .string(why)))
            error.message += "; procsh could not tell whether \(failed.count == 1 ? "job \(failed.lowerBound + 1) was" : "jobs \(failed.lowerBound + 1)-\(failed.upperBound) were") created: \(why)"
        }
        guard total > failed.count || !created.isEmpty else { return ScriptError(error, extra: extra) }
        var parts: [String] = []
        if created.isEmpty {
            parts.append("no job was created before this request")
        } else {
            let ids = created.compactMap { $0["id"]?.stringValue }
            parts.append("jobs 1-\(created.count) were created (\(ids.first ?? "?")...\(ids.last ?? "?"), see error.created)")
        }
        if unknown {
            parts.append("jobs \(failed.lowerBound + 1)-\(failed.upperBound) may or may not have been created (read the run to find out)")
        }
        if notCreatedStart < total { parts.append("jobs \(notCreatedStart + 1)-\(total) were not created") }
        error.message += " (\(parts.joined(separator: "; ")))"
        return ScriptError(error, extra: extra)
    }
}
