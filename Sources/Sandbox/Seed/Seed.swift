import Foundation
import JSON
import ProcessesAPI

/// The sandbox's data, as a JSON document: what `--seed FILE` loads, what
/// `GET /_sandbox/state` exports, and what the built-in demo data is.
/// docs/sandbox.md describes the format.
public struct Seed: Codable, Sendable, Equatable {
    /// A person or group that can be an assignee or approver.
    public struct Principal: Codable, Sendable, Equatable {
        public var id: String
        /// "user" or "group".
        public var type: String
        public var name: String?

        public init(id: String, type: String = "user", name: String? = nil) {
            self.id = id
            self.type = type
            self.name = name
        }
    }

    /// A document and the ids of its sections.
    public struct Document: Codable, Sendable, Equatable {
        public var id: String
        public var name: String?
        public var sections: [String]

        public init(id: String, name: String? = nil, sections: [String]) {
            self.id = id
            self.name = name
            self.sections = sections
        }
    }

    /// An OAuth client of the token endpoint.
    public struct Client: Codable, Sendable, Equatable {
        public var id: String
        public var secret: String
        /// "file:read", "file:write".
        public var scopes: [String]

        public init(id: String, secret: String, scopes: [String]) {
            self.id = id
            self.secret = secret
            self.scopes = scopes
        }

        enum CodingKeys: String, CodingKey {
            case id, secret, scopes
        }

        /// The secret is left out when the encoder's ``Seed/omitSecrets`` is true
        /// (`GET /_sandbox/state` without `?secrets=true`).
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            if encoder.userInfo[Seed.omitSecrets] as? Bool != true { try container.encode(secret, forKey: .secret) }
            try container.encode(scopes, forKey: .scopes)
        }
    }

    /// An encoder's `userInfo` key: true leaves the clients' secrets out.
    public static let omitSecrets = CodingUserInfoKey(rawValue: "procsh.omitSecrets")!

    /// A node of a process's or a run's tree: a group (with `children`) or a job (with `action`).
    public struct Node: Codable, Sendable, Equatable {
        public var id: String
        /// A group's name, or a job's title.
        public var name: String?
        /// Present for jobs: "sendTask", "contentRequest", ...
        public var action: String?
        /// A job's arguments, in the API's shape (`{"type": ..., "<type>Args": {...}}`).
        public var arguments: Components.Schemas.JobRunArguments?
        public var triggerType: String?
        /// Run status: waiting, running, cancelling, complete, cancelled.
        public var status: String?
        /// Groups only.
        public var parallel: Bool?
        public var readOnly: Bool?
        public var children: [Node]?

        public init(
            id: String, name: String? = nil, action: String? = nil, arguments: Components.Schemas.JobRunArguments? = nil,
            triggerType: String? = nil, status: String? = nil, parallel: Bool? = nil, readOnly: Bool? = nil,
            children: [Node]? = nil
        ) {
            self.id = id
            self.name = name
            self.action = action
            self.arguments = arguments
            self.triggerType = triggerType
            self.status = status
            self.parallel = parallel
            self.readOnly = readOnly
            self.children = children
        }

        var isGroup: Bool { action == nil }
    }

    /// A process (a definition).
    public struct Process: Codable, Sendable, Equatable {
        public var id: String
        public var name: String
        public var dueDate: String?
        public var created: Date?
        /// The options createProcess takes besides the name (all optional).
        public var autoClose: Bool?
        public var businessDaysOfWeek: [String]?
        public var businessStartDate: String?
        public var certAutoApprove: Bool?
        public var relativeDates: Bool?
        public var children: [Node]

        public init(id: String, name: String, dueDate: String? = nil, created: Date? = nil, children: [Node] = []) {
            self.id = id
            self.name = name
            self.dueDate = dueDate
            self.created = created
            self.children = children
        }
    }

    /// A run of a process: its top-level children form the root group.
    public struct ProcessRun: Codable, Sendable, Equatable {
        public var id: String
        public var processId: String?
        public var name: String?
        public var status: String
        public var created: Date?
        public var children: [Node]

        public init(id: String, processId: String? = nil, name: String? = nil, status: String, created: Date? = nil, children: [Node] = []) {
            self.id = id
            self.processId = processId
            self.name = name
            self.status = status
            self.created = created
            self.children = children
        }
    }

    public var principals: [Principal]
    public var documents: [Document]
    public var clients: [Client]
    public var processes: [Process]
    public var processRuns: [ProcessRun]

    public init(principals: [Principal] = [], documents: [Document] = [], clients: [Client] = [], processes: [Process] = [], processRuns: [ProcessRun] = []) {
        self.principals = principals
        self.documents = documents
        self.clients = clients
        self.processes = processes
        self.processRuns = processRuns
    }

    /// Reads a seed file, saying what is wrong and where when it cannot.
    public static func load(path: String) throws -> Seed {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw SeedError(path: path, message: "cannot read the file (\(error.localizedDescription))")
        }
        do {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            let seed = try decoder.decode(Seed.self, from: data)
            try seed.validate(path: path)
            return seed
        } catch let error as SeedError {
            throw error
        } catch let DecodingError.keyNotFound(key, context) {
            throw SeedError(path: path, message: "\(SeedError.where(context.codingPath)): missing \"\(key.stringValue)\"")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw SeedError(path: path, message: "\(SeedError.where(context.codingPath)): \(context.debugDescription)")
        } catch let DecodingError.dataCorrupted(context) {
            throw SeedError(path: path, message: "\(SeedError.where(context.codingPath)): \(context.debugDescription)")
        } catch {
            throw SeedError(path: path, message: "\(error)")
        }
    }

    /// Rejects what the store could not hold: duplicate ids, nodes that are neither group nor job.
    func validate(path: String) throws {
        for run in processRuns {
            var seen: Set<String> = []
            func walk(_ nodes: [Node], _ at: String) throws {
                for (i, node) in nodes.enumerated() {
                    let here = JSONPath.item(at, i)
                    let shown = JSONPath.shortened(here)
                    guard seen.insert(node.id).inserted else {
                        throw SeedError(path: path, message: "\(shown): id \"\(node.id)\" appears twice in run \"\(run.id)\"")
                    }
                    if node.isGroup {
                        guard node.parallel != nil else {
                            throw SeedError(path: path, message: "\(shown): a group needs \"parallel\" (and a job needs \"action\")")
                        }
                        try walk(node.children ?? [], "\(here).children")
                    } else if node.children != nil {
                        throw SeedError(path: path, message: "\(shown): a job (it has \"action\") cannot have children")
                    }
                }
            }
            try walk(run.children, "processRuns[\(run.id)].children")
        }
        let runIDs = processRuns.map(\.id)
        if let duplicate = Dictionary(grouping: runIDs, by: { $0 }).first(where: { $0.value.count > 1 })?.key {
            throw SeedError(path: path, message: "processRuns: id \"\(duplicate)\" appears twice")
        }
    }
}
