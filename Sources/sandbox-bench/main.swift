import Foundation
import Hummingbird
import ProcessesAPI
import Sandbox

// sandbox-bench hello PORT   a minimal Hummingbird server ("hello" on GET /)
// sandbox-bench scaling [SIZE ...]
//                            createJobRuns and getProcessRun timings by group size
//                            (100, 10,000 and 100,000 unless given)

/// Milliseconds `body` takes, median of `runs`.
func median(runs: Int, _ body: () throws -> Void) rethrows -> Double {
    var samples: [Double] = []
    for _ in 0..<runs {
        let start = ContinuousClock.now
        try body()
        let d = ContinuousClock.now - start
        samples.append(Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15)
    }
    return samples.sorted()[samples.count / 2]
}

/// A store whose demo-run holds a group of `n` job runs.
func store(groupSize n: Int) -> SandboxStore {
    var seed = Seed.demo
    let jobs = (0..<n).map { Seed.Node.sendTask(id: "bulk-\($0)", title: "Bulk \($0)", assignee: "user123", due: nil, status: "waiting") }
    seed.processRuns[0].children.append(Seed.Node(id: "bulk", name: "Bulk", status: "waiting", parallel: false, readOnly: false, children: jobs))
    return SandboxStore(seed: seed)
}

let job = Components.Schemas.JobRunCreate(
    action: .sendTask,
    arguments: .sendTask(.init(_type: .sendTask, sendTaskArgs: .init(assignee: .init(id: "user123", _type: .user), title: "New"))),
    triggerType: .whenEligible)

let arguments = CommandLine.arguments
switch arguments.dropFirst().first {
case "hello":
    let port = arguments.count > 2 ? Int(arguments[2]) ?? 8081 : 8081
    let router = Router()
    router.get("/") { _, _ in "hello" }
    let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)))
    try await app.runService()
case "scaling":
    let given = arguments.dropFirst(2).map { Int($0) }
    guard given.allSatisfy({ ($0 ?? 0) > 0 }) else {
        FileHandle.standardError.write(Data("sandbox-bench scaling: each SIZE is a whole number above 0\n".utf8))
        exit(64)
    }
    let sizes = given.isEmpty ? [100, 10_000, 100_000] : given.compactMap { $0 }
    print("| group size | insert 1 at the front (ms, median) | insert 10 after a middle sibling (ms) | getProcessRun (ms) | getProcessRun JSON bytes |")
    print("|---:|---:|---:|---:|---:|")
    let encoder = JSONEncoder()
    for n in sizes {
        let s = store(groupSize: n)
        let front = try median(runs: 21) {
            _ = try s.createJobRuns(runID: "demo-run", placement: .init(siblingID: "bulk-0", parentGroupID: nil, before: true), jobs: [job])
        }
        let middle = try median(runs: 21) {
            _ = try s.createJobRuns(
                runID: "demo-run", placement: .init(siblingID: "bulk-\(n / 2)", parentGroupID: nil, before: false),
                jobs: Array(repeating: job, count: 10))
        }
        var bytes = 0
        let read = try median(runs: 5) {
            let run = try s.processRun(id: "demo-run")
            bytes = try encoder.encode(run).count
        }
        print("| \(n) | \(String(format: "%.3f", front)) | \(String(format: "%.3f", middle)) | \(String(format: "%.1f", read)) | \(bytes) |")
    }
default:
    FileHandle.standardError.write(Data("usage: sandbox-bench hello [PORT] | scaling [SIZE ...]\n".utf8))
    exit(64)
}
