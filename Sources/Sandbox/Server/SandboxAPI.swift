import Foundation
import OpenAPIRuntime
import ProcessesAPI

/// The operations of openapi.yaml, served from the store. Errors are thrown as
/// ``SandboxError``s; the error stage renders them.
struct SandboxAPI: APIProtocol {
    let store: SandboxStore
    let tokens: TokenBook

    func createJobRuns(_ input: Operations.CreateJobRuns.Input) async throws -> Operations.CreateJobRuns.Output {
        guard case .json(let jobs) = input.body else { throw SandboxError.invalid("invalidBody", "the body must be JSON", target: "body") }
        let placement = SandboxStore.Placement(
            siblingID: input.query.relativeSiblingId, parentGroupID: input.query.parentGroupId,
            before: input.query.before != ._false)
        let created = try store.createJobRuns(runID: input.path.processRunId, placement: placement, jobs: jobs)
        return .created(.init(body: .json(created)))
    }

    func getProcessRun(_ input: Operations.GetProcessRun.Input) async throws -> Operations.GetProcessRun.Output {
        .ok(.init(body: .json(try store.processRun(
            id: input.path.processRunId, excludingGenerated: input.query.excludeGeneratedJobs ?? false))))
    }

    func listProcesses(_ input: Operations.ListProcesses.Input) async throws -> Operations.ListProcesses.Output {
        let q = input.query
        return .ok(.init(body: .json(try store.listProcesses(filter: q.filter, orderBy: q.orderBy, pageSize: q.maxpagesize, next: q.next))))
    }

    func getProcess(_ input: Operations.GetProcess.Input) async throws -> Operations.GetProcess.Output {
        .ok(.init(body: .json(try store.process(
            id: input.path.processId, excludingGenerated: input.query.excludeGeneratedJobs ?? false))))
    }

    func createProcess(_ input: Operations.CreateProcess.Input) async throws -> Operations.CreateProcess.Output {
        guard case .json(let definition) = input.body else { throw SandboxError.invalid("invalidBody", "the body must be JSON", target: "body") }
        return .created(.init(body: .json(try store.createProcess(definition))))
    }

    func runProcess(_ input: Operations.RunProcess.Input) async throws -> Operations.RunProcess.Output {
        .created(.init(body: .json(try store.runProcess(id: input.path.processId))))
    }

    func trashProcess(_ input: Operations.TrashProcess.Input) async throws -> Operations.TrashProcess.Output {
        try store.trashProcess(id: input.path.processId)
        return .noContent(.init())
    }

    func validateProcess(_ input: Operations.ValidateProcess.Input) async throws -> Operations.ValidateProcess.Output {
        .ok(.init(body: .json(try store.validateProcess(id: input.path.processId))))
    }

    func batchUpdateProcess(_ input: Operations.BatchUpdateProcess.Input) async throws -> Operations.BatchUpdateProcess.Output {
        guard case .json(let batch) = input.body else { throw SandboxError.invalid("invalidBody", "the body must be JSON", target: "body") }
        return .ok(.init(body: .json(try store.batchUpdateProcess(id: input.path.processId, updates: batch.data))))
    }

    /// Client credentials: HTTP Basic (preferred) or `client_id`/`client_secret` in the form.
    func requestToken(_ input: Operations.RequestToken.Input) async throws -> Operations.RequestToken.Output {
        guard case .urlEncodedForm(let form) = input.body else {
            throw SandboxError.oauth(400, "invalid_request", "the body must be application/x-www-form-urlencoded")
        }
        let basic = Caller.current.basic
        guard let id = basic?.id ?? form.clientId, let secret = basic?.secret ?? form.clientSecret else {
            throw SandboxError.oauth(401, "invalid_client", "Client authentication failed: no client credentials (use HTTP Basic)")
        }
        guard let client = store.read({ $0.clients[id] }), client.secret == secret else {
            throw SandboxError.oauth(401, "invalid_client", "Client authentication failed")
        }
        var scopes = Set(client.scopes)
        if let requested = form.scope?.split(separator: " ").map(String.init), !requested.isEmpty {
            let unknown = requested.filter { !scopes.contains($0) }
            guard unknown.isEmpty else {
                throw SandboxError.oauth(400, "invalid_scope", "scope \(unknown.joined(separator: " ")) is not granted to this client")
            }
            scopes = Set(requested)
        }
        let (token, _) = tokens.issue(clientID: id, scopes: scopes)
        return .ok(.init(body: .json(.init(
            accessToken: token, expiresIn: Int(TokenBook.lifetime), scope: scopes.sorted().joined(separator: " "), tokenType: "Bearer"))))
    }
}
