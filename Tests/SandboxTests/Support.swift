import Foundation
import ProcessesAPI
@testable import Sandbox

/// A sandbox on a free loopback port, and clients for it (real HTTP).
struct Fixture {
    let sandbox: RunningSandbox

    static func start(_ configure: (inout SandboxServer.Options) -> Void = { _ in }) async throws -> Fixture {
        var options = SandboxServer.Options()
        options.port = 0
        configure(&options)
        return Fixture(sandbox: try await SandboxServer(options: options).start())
    }

    var baseURL: URL { sandbox.baseURL }
    var store: SandboxStore { sandbox.server.store }

    /// A client with the demo credentials (`sandbox-client`, read and write) unless told otherwise.
    func client(
        id: String = "sandbox-client", secret: String = "sandbox-secret", retry: RetryPolicy = .none
    ) throws -> ProcessesClient {
        var configuration = try ClientConfiguration(
            baseURL: baseURL, credentials: .init(clientID: id, clientSecret: secret))
        configuration.retry = retry
        configuration.rateLimit = nil
        return try ProcessesClient(configuration: configuration)
    }

    func stop() async { await sandbox.stop() }
}

/// Builds request items the short way.
enum Jobs {
    static func sendTask(
        _ title: String, assignee: String = "user123", type: Components.Schemas.PrincipalCreate._TypePayload = .user,
        due: String? = "2024-12-15", approver: String? = nil, document: String? = nil
    ) -> Components.Schemas.JobRunCreate {
        .init(
            action: .sendTask,
            arguments: .sendTask(.init(
                _type: .sendTask,
                sendTaskArgs: .init(
                    assignee: .init(id: assignee, _type: type), title: title, dueDate: due,
                    approver: approver.map { .init(id: $0, _type: .user) }, document: document))),
            triggerType: .whenEligible)
    }

    static func contentRequest(
        _ title: String, assignee: String = "user123", document: String = "doc456", section: String = "section-id-123"
    ) -> Components.Schemas.JobRunCreate {
        .init(
            action: .contentRequest,
            arguments: .contentRequest(.init(
                _type: .contentRequest,
                contentRequestArgs: .init(
                    assignee: .init(id: assignee, _type: .user), title: title, document: document, section: section,
                    approver: .init(id: "manager456", _type: .user), instructions: "Please fill out rows 1-10 in the spreadsheet."))),
            triggerType: .whenEligible)
    }
}

extension Components.Schemas.ProcessRun {
    /// The ids of a group's children in order (nil: the top level).
    func childIDs(of group: String? = nil) -> [String] {
        func ids(_ children: [Components.Schemas.ProcessRunChild]) -> [String] {
            children.map { child in
                switch child {
                case .GroupRun(let g): return g.id ?? "?"
                case .JobRun(let j): return j.id
                }
            }
        }
        func find(_ children: [Components.Schemas.ProcessRunChild]) -> [Components.Schemas.ProcessRunChild]? {
            for child in children {
                if case .GroupRun(let g) = child {
                    if g.id == group { return g.children ?? [] }
                    if let found = find(g.children ?? []) { return found }
                }
            }
            return nil
        }
        guard let group else { return ids(children ?? []) }
        return ids(find(children ?? []) ?? [])
    }

    /// Every child's ordinal in a group, in order.
    func ordinals(of group: String? = nil) -> [Int32] {
        func find(_ children: [Components.Schemas.ProcessRunChild]) -> [Components.Schemas.ProcessRunChild]? {
            guard let group else { return children }
            for child in children {
                if case .GroupRun(let g) = child {
                    if g.id == group { return g.children ?? [] }
                    if let found = find(g.children ?? []) { return found }
                }
            }
            return nil
        }
        return (find(children ?? []) ?? []).map { child in
            switch child {
            case .GroupRun(let g): return g.ordinal ?? -1
            case .JobRun(let j): return j.ordinal ?? -1
            }
        }
    }
}
