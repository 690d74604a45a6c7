import JSON
import LuaKit
import ProcessesAPI

extension ProcessesModule {
    /// The most renames one batchUpdateProcess request carries (openapi.yaml's `maxItems`).
    static let renamesPerRequest = ProcessesClient.maximumBatchUpdates

    /// `processes.rename(process, renames)`: renames jobs and groups, each
    /// `{job = id, name = "..."}`, `{group = id, name = "..."}` or an item in
    /// the API's shape; all checked before anything is sent, then sent 3,000
    /// to a request, in order. Returns the process as the last answer shows it.
    static func rename(_ args: CallArguments, session: APISession) throws(ScriptError) -> Int32 {
        let id = try args.id(1, name: "process", what: "a process")
        guard args.stack.type(at: 2) == .table else {
            throw args.invalid("renames", "expected an array of renames ({job = id, name = \"...\"} or {group = id, name = \"...\"}), got \(args.describe(2))")
        }
        let given = try args.json(2, name: "renames")
        let items: [JSONValue]
        switch given {
        case .array(let array): items = array
        case .object(let members) where members.isEmpty: items = []
        case .object(let members) where members["job"] != nil || members["group"] != nil || members["type"] != nil:
            items = [given]  // one rename, not in an array
        default:
            throw args.invalid("renames", "expected an array of renames, got a table with named members")
        }
        var updates: [Components.Schemas.BatchUpdateItem] = []
        updates.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            updates.append(try Self.update(item, at: JSONPath.item("renames", i), args))
        }
        var process: Components.Schemas.Process?
        var start = 0
        repeat {
            let chunk = Array(updates[start..<min(start + Self.renamesPerRequest, updates.count)])
            process = try session.call { () throws(ProcessesAPIError) in
                try session.send(
                    .batchUpdateProcess,
                    { client async throws(ProcessesAPIError) in try await client.batchUpdateProcess(id: id, updates: chunk) },
                    pretend: {
                        var pretended = Components.Schemas.Process(id: id)
                        pretended.additionalProperties = (try? .init(unvalidatedValue: ["dryRun": true])) ?? .init()
                        return pretended
                    })
            }
            start += chunk.count
        } while start < updates.count
        try? args.stack.push(json: ModelCoding.json(process!))
        return 1
    }

    /// One rename as the API takes it, from either form; `field` names it in errors.
    static func update(_ item: JSONValue, at field: String, _ args: CallArguments) throws(ScriptError) -> Components.Schemas.BatchUpdateItem {
        guard case .object(let members) = item else {
            throw args.invalid(field, "expected a rename ({job = id, name = \"...\"} or {group = id, name = \"...\"}), got \(ValidationError.describe(item))")
        }
        if members["type"] != nil {  // the API's own shape
            do throws(ValidationError) {
                try RequestSchemas.batchUpdateItem.validate(item, at: field)
            } catch {
                throw ScriptError(error)
            }
            return try ModelCoding.model(Components.Schemas.BatchUpdateItem.self, from: item, field: field)
        }
        for key in members.keys.sorted() where !["job", "group", "name"].contains(key) {
            throw args.invalid(JSONPath.member(field, key), "unknown member; a rename has job or group, and name", code: .unknownField)
        }
        let job = members["job"], group = members["group"]
        guard (job == nil) != (group == nil) else {
            throw args.invalid(
                field, job == nil ? "give job = id or group = id" : "give job or group, not both",
                code: job == nil ? .missingField : .invalidValue)
        }
        let target = try args.id(in: (job ?? group)!, name: JSONPath.member(field, job == nil ? "group" : "job"), what: job == nil ? "a group" : "a job")
        guard let nameValue = members["name"] else {
            throw args.invalid(JSONPath.member(field, "name"), "missing: the new name", code: .missingField)
        }
        guard case .string(let name) = nameValue else {
            throw args.invalid(JSONPath.member(field, "name"), "expected a string, got \(ValidationError.describe(nameValue))")
        }
        guard !name.allSatisfy(\.isWhitespace) else { throw args.invalid(JSONPath.member(field, "name"), "must not be blank", code: .emptyValue) }
        let update = Components.Schemas.NameUpdate(id: target, newName: name)
        return job != nil ? .init(_type: .jobName, jobNameUpdate: update) : .init(_type: .groupName, groupNameUpdate: update)
    }
}
