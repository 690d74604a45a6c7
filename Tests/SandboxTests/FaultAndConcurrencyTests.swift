import Foundation
import JSON
import ProcessesAPI
import Testing
@testable import Sandbox

@Suite("Fault injection")
struct FaultTests {
    @Test func specParses() throws {
        let plan = try FaultPlan(parsing: "503=0.1,429=0.05,reset=0.02,latency=20ms,500-after-commit=0.02")
        #expect(plan.rules.map(\.fault) == [.serviceUnavailable, .tooManyRequests, .reset, .serverErrorAfterCommit])
        #expect(plan.latency == 0.02)
        #expect(plan.description == "503=0.1,429=0.05,reset=0.02,500-after-commit=0.02,latency=20ms")
    }

    @Test(arguments: [
        "503=2", "teapot=0.1", "503", "latency=soon", "503=0.6,429=0.6", "latency=inf", "latency=1e25s", "latency=0x10ms",
        "latency=-5ms", "latency=86401s", "503@=0.1", "503@create-job=0.1", "503=0.5x0", "503=0.5x", "503=1x2.5",
        "503@createJobRuns=0.6,500@createJobRuns=0.6", "503=0.6,500@getProcessRun=0.6",
    ])
    func badSpecsSayWhy(spec: String) {
        #expect(throws: FaultSpecError.self) { try FaultPlan(parsing: spec) }
    }

    @Test func faultsKeptToAnOperationAndACount() throws {
        let plan = try FaultPlan(parsing: "reset@getProcessRun=0.7x2,500-after-commit@createJobRuns=0.7,503=0.3")
        #expect(plan.description == "reset@getProcessRun=0.7x2,500-after-commit@createJobRuns=0.7,503=0.3")
        #expect(try FaultPlan(parsing: plan.description) == plan)
        let injector = FaultInjector(plan: try FaultPlan(parsing: "reset@getProcessRun=1x2"), seed: 7)
        #expect(injector.draw(for: "createJobRuns") == nil)
        #expect(injector.draw(for: "getProcessRun") == .reset)
        #expect(injector.draw(for: "getProcessRun") == .reset)
        #expect(injector.draw(for: "getProcessRun") == nil)
        #expect(injector.counts == ["reset": 2])
        injector.plan = try FaultPlan(parsing: "reset@getProcessRun=1x1")
        #expect(injector.draw(for: "getProcessRun") == .reset)
        #expect(injector.draw(for: "getProcessRun") == nil)
    }

    @Test(arguments: [("503=1", 503), ("429=1", 429), ("500=1", 500)])
    func beforeFaultsChangeNothing(spec: String, status: Int) async throws {
        try await Fixture.with({ $0.faults = try FaultPlan(parsing: spec) }) { f in
            let client = try f.client()
            let jobs = try f.jobCount()
            let error = try await #require(throws: ProcessesAPIError.self) {
                _ = try await client.createJobRuns(processRunID: "demo-run", jobs: [Jobs.sendTask("F")])
            }
            #expect(error.status == status)
            #expect(try f.jobCount() == jobs)
            try await client.shutdown()
        }
    }

    @Test func resetBreaksTheConnectionAndChangesNothing() async throws {
        try await Fixture.with({ $0.faults = try FaultPlan(parsing: "reset=1") }) { f in
            let jobs = try f.jobCount()
            let client = try f.client()
            let error = try await #require(throws: ProcessesAPIError.self) {
                _ = try await client.createJobRuns(processRunID: "demo-run", jobs: [Jobs.sendTask("F")])
            }
            #expect(error.kind == .transport)
            #expect(error.retryable == false, "the client cannot know the reset came before the work")
            #expect(try f.jobCount() == jobs)
            try await client.shutdown()
        }
    }

    @Test(arguments: ["500-after-commit=1", "reset-after-commit=1"])
    func afterCommitFaultsDoTheWorkAndFailTheAnswer(spec: String) async throws {
        try await Fixture.with({ $0.faults = try FaultPlan(parsing: spec) }) { f in
            let jobs = try f.jobCount()
            let client = try f.client(retry: .standard)
            let error = try await #require(throws: ProcessesAPIError.self) {
                _ = try await client.createJobRuns(processRunID: "demo-run", jobs: [Jobs.sendTask("F")])
            }
            #expect(error.retryable == false)
            #expect(error.attempts == 1, "an unknown outcome is never sent again")
            #expect(try f.jobCount() == jobs + 1, "the work was done exactly once")
            #expect(f.sandbox.server.faultCounts[spec.replacing("=1", with: "")] == 1)
            try await client.shutdown()
        }
    }

    @Test func latencyDelaysEveryRequest() async throws {
        try await Fixture.with({ $0.faults = try FaultPlan(parsing: "latency=150ms") }) { f in
            let token = try await f.token()
            let start = ContinuousClock.now
            _ = try await f.raw("GET", "/processRuns/demo-run", bearer: token)
            #expect(ContinuousClock.now - start >= .milliseconds(150))
        }
    }

    @Test func sameSeedSameFaults() throws {
        let plan = try FaultPlan(parsing: "503=0.3,429=0.2")
        let a = FaultInjector(plan: plan, seed: 42)
        let b = FaultInjector(plan: plan, seed: 42)
        let c = FaultInjector(plan: plan, seed: 43)
        let drawsA = (0..<200).map { _ in a.draw(for: "getProcessRun")?.rawValue ?? "-" }
        let drawsB = (0..<200).map { _ in b.draw(for: "getProcessRun")?.rawValue ?? "-" }
        let drawsC = (0..<200).map { _ in c.draw(for: "getProcessRun")?.rawValue ?? "-" }
        #expect(drawsA == drawsB)
        #expect(drawsA != drawsC)
        let share = Double(drawsA.filter { $0 == "503" }.count) / 200
        #expect((0.2...0.4).contains(share))
    }
}

@Suite("Concurrency")
struct ConcurrencyTests {
    /// Creates per client: 1,250 (10,000 in all) with PROCSH_FULL=1, else 250.
    static let perClient = ProcessInfo.processInfo.environment["PROCSH_FULL"] == "1" ? 1250 : 250

    @Test("8 clients create at random positions in one group: none lost, none twice, ordinals contiguous")
    func eightClientsCreateInOneGroup() async throws {
        let perClient = Self.perClient
        try await Fixture.with({ $0.rateLimit = 100_000 }) { f in
            let clients = try (0..<8).map { _ in try f.client(retry: .standard) }
            try await withThrowingTaskGroup(of: [String].self) { group in
                for (c, client) in clients.enumerated() {
                    group.addTask {
                        var generator = SplitMix64(seed: UInt64(c + 1))
                        var created: [String] = []
                        for i in 0..<perClient {
                            // Random positions: before or after a random sibling of the group, or at its end.
                            let siblings = ["job-11", "job-12"] + created.suffix(5)
                            let choice = Int(generator.next() % 3)
                            let placement: ProcessesClient.Placement =
                                choice == 0
                                ? .init(parentGroupID: "group-review")
                                : .init(relativeSiblingID: siblings[Int(generator.next() % UInt64(siblings.count))], before: choice == 1)
                            let job = try await client.createJobRuns(
                                processRunID: "demo-run", jobs: [Jobs.sendTask("c\(c)-\(i)")], placement: placement)
                            created.append(try #require(job.first).id)
                        }
                        return created
                    }
                }
                var all: [String] = []
                for try await ids in group { all += ids }
                #expect(all.count == 8 * perClient)
                #expect(Set(all).count == 8 * perClient, "no duplicate ids")
            }
            let run = try await clients[0].getProcessRun(id: "demo-run")
            let ids = run.childIDs(of: "group-review")
            #expect(ids.count == 2 + 8 * perClient, "all present: 2 seeded + the created")
            #expect(Set(ids).count == 2 + 8 * perClient)
            #expect(run.ordinals(of: "group-review") == (0..<(2 + 8 * perClient)).map(Int32.init), "ordinals contiguous 0..n-1")
            for client in clients { try await client.shutdown() }
        }
    }
}

@Suite("The client against injected faults")
struct ClientUnderFaultsTests {
    @Test func retriesThroughBeforeFaultsWithoutDuplicates() async throws {
        try await Fixture.with({
            $0.faults = try FaultPlan(parsing: "503=0.2,429=0.1")
            $0.faultSeed = 11
        }) { f in
            let before = try f.jobCount()
            var configuration = try ClientConfiguration(baseURL: f.baseURL, credentials: .init(clientID: "sandbox-client", clientSecret: "sandbox-secret"))
            configuration.rateLimit = nil
            configuration.retry = RetryPolicy(maximumAttempts: 12)
            // Real HTTP, but no real waiting between attempts.
            var clock = ClientClock.system
            clock.sleep = { _ in }
            let client = try ProcessesClient(configuration: configuration, clock: clock)
            for i in 0..<100 {
                _ = try await client.createJobRuns(processRunID: "demo-run", jobs: [Jobs.sendTask("n\(i)")], placement: .init(parentGroupID: "group-review"))
            }
            #expect(try f.jobCount() == before + 100, "exactly once each")
            let injected = f.sandbox.server.faultCounts
            #expect((injected["503"] ?? 0) + (injected["429"] ?? 0) > 10, "\(injected)")
            try await client.shutdown()
        }
    }
}
