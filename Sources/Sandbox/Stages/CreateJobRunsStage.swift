import Foundation
import HTTPTypes
import JSON
import OpenAPIRuntime
import ProcessesAPI

/// createJobRuns without Foundation's JSONDecoder and JSONEncoder: the body,
/// as BodyStage parsed it, is read into the generated request models, the
/// store does the work, and the answer is written by ``AnswerEncoding``.
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
    static func target(_ path: String) -> (String, SandboxStore.Placement)? {
        let names = [CreateJobRunsQuery.relativeSiblingId, .parentGroupId, .before].map(\.rawValue)
        guard let target = PlainTarget(path, of: operation, queryNames: names), let runID = target.pathValues.first else { return nil }
        var placement = SandboxStore.Placement()
        placement.siblingID = target.query[CreateJobRunsQuery.relativeSiblingId.rawValue]
        placement.parentGroupID = target.query[CreateJobRunsQuery.parentGroupId.rawValue]
        switch target.query[CreateJobRunsQuery.before.rawValue] {
        case nil: break
        case "true": placement.before = true
        case "false": placement.before = false
        default: return nil  // a value to be refused by the generated server
        }
        return (runID, placement)
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

    /// The created job runs as JSON, written as the generated server's encoder would.
    static func encode(_ jobRuns: [Components.Schemas.JobRun]) throws -> [UInt8] {
        try AnswerEncoding.bytes(of: jobRuns)
    }
}
