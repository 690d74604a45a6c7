import Foundation
import HTTPTypes
import JSON
import OpenAPIRuntime
import ProcessesAPI

/// createJobRuns without Foundation's JSONDecoder and JSONEncoder: the body,
/// as BodyStage parsed it, is read into the generated request models, the
/// store does the work, and the answer is written with procsh's JSON writer.
///
/// It takes only requests it can read exactly as the generated server would: a
/// JSON array of jobs of the plain shape, a path and query with nothing to
/// decode. Anything else (a wrong type, an unknown field, `null`, a percent
/// escape) goes on to the generated server, which stays the reference: it
/// answers the same requests the same way, and gives the canonical error for
/// the rest. Tests compare the two paths on valid and broken bodies.
struct CreateJobRunsStage: ServerMiddleware {
    static let operation = APIOperation.createJobRuns
    let store: SandboxStore

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String, next: NextStage
    ) async throws -> (HTTPResponse, HTTPBody?) {
        // BodyStage has parsed a JSON body (and only a JSON body).
        guard operationID == Self.operation.id, request.method == Self.operation.method, let document = ParsedBody.json,
            let call = Self.call(path: request.path ?? "", body: document)
        else { return try await next(request, body, metadata) }
        let created = try store.createJobRuns(runID: call.runID, placement: call.placement, jobs: call.jobs)
        var response = HTTPResponse(status: .created)
        response.headerFields[.contentType] = "application/json; charset=utf-8"
        return (response, HTTPBody(try Self.encode(created)))
    }

    /// What the generated server would call the store with, or nil to let it decide.
    struct Call {
        var runID: String
        var placement: SandboxStore.Placement
        var jobs: [Components.Schemas.JobRunCreate]
    }

    static func call(path: String, body: JSONValue) -> Call? {
        guard let (runID, placement) = target(path), case .array(let items) = body, !items.isEmpty else { return nil }
        var jobs: [Components.Schemas.JobRunCreate] = []
        jobs.reserveCapacity(items.count)
        for item in items {
            guard let job = jobRunCreate(item) else { return nil }
            jobs.append(job)
        }
        return Call(runID: runID, placement: placement, jobs: jobs)
    }

    // MARK: The request target

    /// `/processRuns/{processRunId}/jobRuns` and its query, when nothing in them needs decoding.
    /// (Works on UTF-8 bytes: splitting Characters cost 3% of a request under load.)
    static func target(_ path: String) -> (String, SandboxStore.Placement)? {
        let bytes = Array(path.utf8)[...]
        let parts = bytes.split(separator: UInt8(ascii: "?"), maxSplits: 1, omittingEmptySubsequences: false)
        let segments = parts[0].split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        let template = operation.templateSegments
        guard segments.count == template.count + 1, segments[0].isEmpty else { return nil }
        var runID: String?
        for (expected, segment) in zip(template, segments.dropFirst()) {
            if let expected {
                guard segment.elementsEqual(expected.utf8) else { return nil }
            } else {
                guard runID == nil, let value = plain(segment) else { return nil }
                runID = value
            }
        }
        guard let runID else { return nil }
        var placement = SandboxStore.Placement()
        var seen = (sibling: false, parent: false, before: false)
        for pair in parts.count == 2 ? parts[1].split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: false) : [] {
            let nameValue = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            guard nameValue.count == 2, let value = plain(nameValue[1]) else { return nil }
            let name = nameValue[0]
            if name.elementsEqual(CreateJobRunsQuery.relativeSiblingId.rawValue.utf8), !seen.sibling {
                seen.sibling = true
                placement.siblingID = value
            } else if name.elementsEqual(CreateJobRunsQuery.parentGroupId.rawValue.utf8), !seen.parent {
                seen.parent = true
                placement.parentGroupID = value
            } else if name.elementsEqual(CreateJobRunsQuery.before.rawValue.utf8), !seen.before, value == "true" || value == "false" {
                seen.before = true
                placement.before = value == "true"
            } else {
                return nil  // unknown, repeated, or a value to be refused by the generated server
            }
        }
        return (runID, placement)
    }

    /// A path segment or query value of printable ASCII with no escapes to decode, as a string.
    static func plain(_ bytes: ArraySlice<UInt8>) -> String? {
        guard !bytes.isEmpty,
            bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "%") && $0 != UInt8(ascii: "+") })
        else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    // MARK: The body

    static func jobRunCreate(_ value: JSONValue) -> Components.Schemas.JobRunCreate? {
        guard case .object(let members) = value,
            only(members, Names.jobRunCreate),
            let action = members["action"]?.stringValue.flatMap(Components.Schemas.JobRunCreate.ActionPayload.init(rawValue:)),
            case .object(let arguments)? = members["arguments"],
            let type = arguments["type"]?.stringValue
        else { return nil }
        var triggerType: Components.Schemas.JobRunCreate.TriggerTypePayload?
        if let trigger = members["triggerType"] {
            guard let known = trigger.stringValue.flatMap(Components.Schemas.JobRunCreate.TriggerTypePayload.init(rawValue:))
            else { return nil }
            triggerType = known
        }
        let creatable: Components.Schemas.CreatableActionArguments
        switch type {
        case "sendTask":
            guard arguments.count == 2, let args = arguments["sendTaskArgs"].flatMap(sendTaskArgs) else { return nil }
            creatable = .sendTask(.init(_type: .sendTask, sendTaskArgs: args))
        case "contentRequest":
            guard arguments.count == 2, let args = arguments["contentRequestArgs"].flatMap(contentRequestArgs) else { return nil }
            creatable = .contentRequest(.init(_type: .contentRequest, contentRequestArgs: args))
        default:
            return nil
        }
        return .init(action: action, arguments: creatable, triggerType: triggerType)
    }

    static func sendTaskArgs(_ value: JSONValue) -> Components.Schemas.SendTaskArgsCreate? {
        guard case .object(let m) = value, only(m, Names.sendTaskArgs),
            let assignee = m["assignee"].flatMap(principal), let title = m["title"]?.stringValue,
            let dueDate = optionalString(m["dueDate"]), let approver = optionalPrincipal(m["approver"]),
            let document = optionalString(m["document"])
        else { return nil }
        return .init(assignee: assignee, title: title, dueDate: dueDate, approver: approver, document: document)
    }

    static func contentRequestArgs(_ value: JSONValue) -> Components.Schemas.ContentRequestArgsCreate? {
        guard case .object(let m) = value, only(m, Names.contentRequestArgs),
            let assignee = m["assignee"].flatMap(principal), let title = m["title"]?.stringValue,
            let document = m["document"]?.stringValue, let section = m["section"]?.stringValue,
            let approver = optionalPrincipal(m["approver"]), let instructions = optionalString(m["instructions"])
        else { return nil }
        return .init(
            assignee: assignee, title: title, document: document, section: section, approver: approver, instructions: instructions)
    }

    static func principal(_ value: JSONValue) -> Components.Schemas.PrincipalCreate? {
        guard case .object(let m) = value, m.count == 2, let id = m["id"]?.stringValue,
            let type = m["type"]?.stringValue.flatMap(Components.Schemas.PrincipalCreate._TypePayload.init(rawValue:))
        else { return nil }
        return .init(id: id, _type: type)
    }

    /// An absent member is `.some(nil)`; one of the wrong type (or null) is nil.
    static func optionalString(_ value: JSONValue?) -> String?? {
        guard let value else { return .some(nil) }
        return value.stringValue.map { .some($0) }
    }

    static func optionalPrincipal(_ value: JSONValue?) -> Components.Schemas.PrincipalCreate?? {
        guard let value else { return .some(nil) }
        return principal(value).map { .some($0) }
    }

    static func only(_ members: [String: JSONValue], _ allowed: Set<String>) -> Bool {
        members.keys.allSatisfy(allowed.contains)
    }

    /// The members openapi.yaml gives each request object: a body with any
    /// other goes to the generated server (a member added to the document is
    /// never dropped here; the models' initialisers, generated from the same
    /// document, stop the build when a required one is added).
    enum Names {
        static let jobRunCreate = of("JobRunCreate")
        static let sendTaskArgs = of("SendTaskArgsCreate")
        static let contentRequestArgs = of("ContentRequestArgsCreate")

        static func of(_ schema: String) -> Set<String> { Set(APIObjectSchema.memberNames(of: .reference(schema))) }
    }

    // MARK: The answer

    /// The created job runs as JSON, written as the generated server's encoder
    /// would (sorted keys, compact); a job run this writer does not know
    /// (arguments of another action, extra members) goes through JSONEncoder.
    static func encode(_ jobRuns: [Components.Schemas.JobRun]) throws -> [UInt8] {
        var items: [JSONValue] = []
        items.reserveCapacity(jobRuns.count)
        for jobRun in jobRuns {
            guard let item = json(jobRun) else {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                return [UInt8](try encoder.encode(jobRuns))
            }
            items.append(item)
        }
        return JSONValue.array(items).encodedBytes()
    }

    static func json(_ jobRun: Components.Schemas.JobRun) -> JSONValue? {
        guard jobRun.additionalProperties.value.isEmpty else { return nil }
        var m: [String: JSONValue] = ["id": .string(jobRun.id), "action": .string(jobRun.action)]
        if let ordinal = jobRun.ordinal { m["ordinal"] = .integer(Int64(ordinal)) }
        if let parent = jobRun.parent { m["parent"] = .string(parent) }
        if let triggerType = jobRun.triggerType { m["triggerType"] = .string(triggerType) }
        if let status = jobRun.status { m["status"] = .string(status) }
        if let name = jobRun.name { m["name"] = .string(name) }
        if let arguments = jobRun.arguments {
            guard arguments.value2 == nil, let known = arguments.value1 else { return nil }
            switch known {
            case .sendTask(let a):
                m["arguments"] = argumentsObject(a._type.rawValue, "sendTaskArgs", a.sendTaskArgs.map { s in
                    var args: [String: JSONValue] = [:]
                    put(s.assignee, "assignee", &args)
                    put(s.title, "title", &args)
                    put(s.dueDate, "dueDate", &args)
                    put(s.approver, "approver", &args)
                    put(s.document, "document", &args)
                    return args
                })
            case .contentRequest(let a):
                m["arguments"] = argumentsObject(a._type.rawValue, "contentRequestArgs", a.contentRequestArgs.map { c in
                    var args: [String: JSONValue] = [:]
                    put(c.assignee, "assignee", &args)
                    put(c.title, "title", &args)
                    put(c.document, "document", &args)
                    put(c.section, "section", &args)
                    put(c.approver, "approver", &args)
                    put(c.instructions, "instructions", &args)
                    return args
                })
            default:
                return nil
            }
        }
        return .object(m)
    }

    /// `{"type": type, key: args}`, without `key` when the action has no arguments.
    static func argumentsObject(_ type: String, _ key: String, _ args: [String: JSONValue]?) -> JSONValue {
        var m: [String: JSONValue] = ["type": .string(type)]
        if let args { m[key] = .object(args) }
        return .object(m)
    }

    static func put(_ value: String?, _ key: String, _ members: inout [String: JSONValue]) {
        if let value { members[key] = .string(value) }
    }

    static func put(_ principal: Components.Schemas.Principal?, _ key: String, _ members: inout [String: JSONValue]) {
        guard let principal else { return }
        var m: [String: JSONValue] = ["id": .string(principal.id)]
        if let type = principal._type { m["type"] = .string(type) }
        members[key] = .object(m)
    }
}
