/// Everything, under the store's lock.
struct State: Sendable {
    var principals: [String: Seed.Principal]
    var documents: [String: Seed.Document]
    var clients: [String: Seed.Client]
    var processes: [Seed.Process]
    var runs: [String: RunRecord]
    /// Run ids in creation order (for export).
    var runOrder: [String]
    /// Numbers new ids: `jobrun-1`, `run-1`, `process-1`, ...
    var counter = 0

    init(seed: Seed) {
        principals = Dictionary(seed.principals.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        documents = Dictionary(seed.documents.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        clients = Dictionary(seed.clients.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        processes = seed.processes
        runs = [:]
        runOrder = []
        for run in seed.processRuns {
            runs[run.id] = RunRecord(
                id: run.id, processID: run.processId, name: run.name, status: run.status, created: run.created, children: run.children)
            runOrder.append(run.id)
        }
    }

    /// A new id with `prefix`, unused in every run.
    mutating func newID(_ prefix: String) -> String {
        counter += 1
        return "\(prefix)-\(counter)"
    }

    func export() -> Seed {
        Seed(
            principals: principals.values.sorted { $0.id < $1.id },
            documents: documents.values.sorted { $0.id < $1.id },
            clients: clients.values.sorted { $0.id < $1.id },
            processes: processes,
            processRuns: runOrder.compactMap { runs[$0] }.map { run in
                Seed.ProcessRun(
                    id: run.id, processId: run.processID, name: run.name, status: run.status, created: run.created,
                    children: run.nodes(of: RunRecord.rootID))
            })
    }
}
