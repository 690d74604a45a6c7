import Foundation
import JSON
import ProcessesAPI
import Testing
@testable import Sandbox

@Suite("The other operations")
struct OperationTests {
    @Test func processRunTree() async throws {
        try await Fixture.with { f in
            let client = try f.client()
            let run = try await client.getProcessRun(id: "demo-run")
            #expect(run.name == "Q4 close 2024")
            #expect(run.status == "running")
            #expect(run.childIDs() == ["job-1", "job-7", "group-review", "group-certification", "job-9"])
            let children = try #require(run.children)
            try #require(children.count == 5)
            guard case .GroupRun(let locked) = children[3] else { throw FixtureError("not a group") }
            #expect(locked.readOnly)
            #expect(locked.parallel)
            #expect(locked.ordinal == 3)
            #expect(locked.parent == nil)
            guard case .GroupRun(let review) = children[2], let reviewChildren = review.children, reviewChildren.count > 1,
                case .JobRun(let inner) = reviewChildren[1]
            else { throw FixtureError("shape") }
            #expect(inner.parent == "group-review")
            #expect(inner.ordinal == 1)
            #expect(inner.status == "waiting")
            #expect(run.statusCounts?.additionalProperties == ["complete": 1, "running": 1, "waiting": 4])
            await #expect(throws: ProcessesAPIError.self) { _ = try await client.getProcessRun(id: "nope") }
            try await client.shutdown()
        }
    }

    @Test func processesListFilterAndPages() async throws {
        try await Fixture.with { f in
            let client = try f.client()
            for name in ["Q4 audit", "Payroll", "Q4 tax"] {
                _ = try await client.createProcess(.init(name: name))
            }
            var names: [String] = []
            for try await process in client.processes(filter: "name contains 'q4'", orderBy: "name", pageSize: 1) {
                names.append(process.name ?? "")
            }
            #expect(names == ["Q4 audit", "Q4 close", "Q4 tax"])
            let page = try await client.listProcessesPage(orderBy: "name desc", pageSize: 2)
            #expect(page.data.map(\.name) == ["Q4 tax", "Q4 close"])
            #expect(page.nextLink?.hasPrefix("/processes?$next=2") == true)
            let error = try await #require(throws: ProcessesAPIError.self) { _ = try await client.listProcessesPage(filter: "size gt 3") }
            #expect(error.status == 400)
            #expect(error.target == "$filter")
            try await client.shutdown()
        }
    }

    @Test func createAndRunAProcess() async throws {
        try await Fixture.with { f in
            let client = try f.client()
            let process = try await client.createProcess(.init(
                name: "Month end", dueDate: "2024-12-31", autoClose: true, businessDaysOfWeek: [.monday, .friday],
                root: Tree.root([
                    Tree.sendTask("Close the books", instructions: "Every ledger"),
                    Tree.group("Reviews", [Tree.contentRequest("Commentary")]),
                ])))
            #expect(process.name == "Month end")
            #expect(process.children?.count == 2)
            // The process's options are kept; a job reads back as a job run shows it (users as principals).
            #expect(process.dueDate == "2024-12-31" && process.autoClose == true && process.businessDaysOfWeek == ["monday", "friday"])
            guard case .Job(let job)? = process.children?.first, case .sendTask(let task)? = job.arguments?.value1 else {
                Issue.record("the first child is not a sendTask job: \(String(describing: process.children?.first))")
                return
            }
            #expect(task.sendTaskArgs?.assignee?.id == "user123" && task.sendTaskArgs?.assignee?._type == "user")
            #expect(task.sendTaskArgs?.instructions == "Every ledger")
            #expect(try await client.getProcess(id: process.id).name == "Month end")
            let run = try await client.runProcess(id: process.id, sendProcessCompleteEmail: false)
            #expect(run.status == "running")
            #expect(run.childIDs().count == 2)
            let runWithoutBody = try await client.runProcess(id: process.id)
            #expect(runWithoutBody.id != run.id)
            // The new run accepts job runs.
            let created = try await client.createJobRuns(processRunID: run.id, jobs: [Jobs.sendTask("Extra")])
            #expect(created.first?.ordinal == 2)
            let missing = try await #require(throws: ProcessesAPIError.self) { _ = try await client.runProcess(id: "nope") }
            #expect(missing.status == 404)
            #expect(missing.message == "Could not find process id nope")
            let invalid = try await #require(throws: ProcessesAPIError.self) {
                _ = try await client.createProcess(.init(name: "Bad", root: Tree.root([Tree.sendTask("x", assignee: "ghost")])))
            }
            #expect(invalid.code == "invalidUser" && invalid.target == "assigneeUser")
            // A child's type names the member that carries it.
            let mismatched = try await #require(throws: ProcessesAPIError.self) {
                _ = try await client.createProcess(.init(name: "Bad", root: Tree.root([.init(_type: .group, job: Tree.sendTask("x").job)])))
            }
            #expect(mismatched.status == 400 && mismatched.target == "body.root.children[0].group")
            let both = try await #require(throws: ProcessesAPIError.self) {
                _ = try await client.createProcess(.init(
                    name: "Bad", root: Tree.root([.init(_type: .job, job: Tree.sendTask("x").job, group: .init(name: "g", parallel: true))])))
            }
            #expect(both.status == 400 && both.target == "body.root.children[0].group")
            let badDate = try await #require(throws: ProcessesAPIError.self) {
                _ = try await client.createProcess(.init(name: "Bad", businessStartDate: "2024-02-30"))
            }
            #expect(badDate.code == "invalidDate" && badDate.target == "body.businessStartDate")
            try await client.shutdown()
        }
    }
}

extension OperationTests {
    @Test func trashAProcess() async throws {
        try await Fixture.with { f in
            let client = try f.client()
            let process = try await client.createProcess(.init(name: "Doomed"))
            try await client.trashProcess(id: process.id)
            let gone = try await #require(throws: ProcessesAPIError.self) { _ = try await client.getProcess(id: process.id) }
            #expect(gone.status == 404)
            #expect(try await client.listProcessesPage().data.map(\.id) == ["demo-process"])
            let again = try await #require(throws: ProcessesAPIError.self) { try await client.trashProcess(id: process.id) }
            #expect(again.status == 404)
            #expect(again.target == "processId")
            // A reader may not trash; a 204 has no body.
            let reader = try await f.token(reader: true)
            #expect(try await f.raw("DELETE", "/processes/demo-process", bearer: reader).status == 403)
            let answer = try await f.raw("DELETE", "/processes/demo-process", bearer: try await f.token())
            #expect(answer.status == 204)
            #expect(answer.text.isEmpty)
            try await client.shutdown()
        }
    }

    @Test func validateAProcess() async throws {
        try await Fixture.with { f in
            let client = try f.client()
            #expect(try await client.validateProcess(id: "demo-process").errors.isEmpty)
            #expect(try await client.validateProcess(id: try await client.createProcess(.init(name: "Empty")).id).errors.map(\.code) == ["emptyProcess"])
            let process = try await client.createProcess(.init(
                name: "Flawed",
                root: Tree.root([Tree.group("Nothing"), Tree.sendTask("Sign"), Tree.contentRequest("Commentary")])))
            let group = try #require(process.children?.first.flatMap { if case .Group(let g) = $0 { g.id } else { nil } })
            // Things a definition can come to hold after it was made: a person who left, a job without an assignee.
            try f.store.withState { (state: inout State) throws(SandboxError) in
                state.principals["user123"] = nil
                let index = state.processes.firstIndex { $0.id == process.id }!
                state.processes[index].children.append(Seed.Node(
                    id: "job-noassignee", name: "Orphan", action: "sendTask",
                    arguments: .init(value2: try? .init(unvalidatedValue: ["type": "sendTask", "sendTaskArgs": ["title": "Orphan"]]))))
            }
            let errors = try await client.validateProcess(id: process.id).errors
            #expect(errors.map(\.code) == ["emptyGroup", "invalidUser", "invalidUser", "missingAssignee"])
            #expect(errors.first?.target == group)
            #expect(errors.last?.target == "job-noassignee")
            let reader = try await f.token(reader: true)
            #expect(try await f.raw("POST", "/processes/demo-process/validation", bearer: reader).status == 200)
            let missing = try await #require(throws: ProcessesAPIError.self) { _ = try await client.validateProcess(id: "nope") }
            #expect(missing.status == 404)
            try await client.shutdown()
        }
    }

    @Test func renameJobsAndGroups() async throws {
        try await Fixture.with { f in
            let client = try f.client()
            let renamed = try await client.batchUpdateProcess(id: "demo-process", updates: [
                .init(_type: .groupName, groupNameUpdate: .init(id: "group-review", newName: "Checks")),
                .init(_type: .jobName, jobNameUpdate: .init(id: "job-9", newName: "File it")),
            ])
            let names = (renamed.children ?? []).map { child -> String? in
                switch child {
                case .Group(let g): return g.name
                case .Job(let j): return j.name
                }
            }
            #expect(names == ["Collect Q4 trial balance", "Prepare Q4 financial report", "Checks", "Certification", "File it"])
            let wrongKind = try await #require(throws: ProcessesAPIError.self) {
                _ = try await client.batchUpdateProcess(id: "demo-process", updates: [
                    .init(_type: .jobName, jobNameUpdate: .init(id: "job-1", newName: "Changed")),
                    .init(_type: .jobName, jobNameUpdate: .init(id: "group-review", newName: "x")),
                ])
            }
            #expect(wrongKind.status == 400)
            #expect(wrongKind.code == "invalidJob")
            #expect(wrongKind.target == "body.data[1].jobNameUpdate.id")
            #expect(f.store.read { $0.processes[0].children[0].name } == "Collect Q4 trial balance", "all or none")
            let token = try await f.token()
            let flat = try await f.raw(
                "POST", "/processes/demo-process/batchUpdates", body: #"{"data":[{"id":"job-1","newName":"x","type":"jobName"}]}"#, bearer: token)
            #expect(flat.status == 400, "Workiva's flat example is not the schema's shape")
            let mismatched = try await f.raw(
                "POST", "/processes/demo-process/batchUpdates",
                body: #"{"data":[{"type":"groupName","jobNameUpdate":{"id":"job-1","newName":"x"}}]}"#, bearer: token)
            #expect(mismatched.status == 400)
            #expect(mismatched.json?["target"]?.stringValue == "body.data[0].groupNameUpdate")
            let many = Array(repeating: #"{"type":"jobName","jobNameUpdate":{"id":"job-1","newName":"x"}}"#, count: 3001).joined(separator: ",")
            let tooMany = try await f.raw("POST", "/processes/demo-process/batchUpdates", body: #"{"data":[\#(many)]}"#, bearer: token)
            #expect(tooMany.status == 400)
            let reader = try await f.token(reader: true)
            #expect(try await f.raw("POST", "/processes/demo-process/batchUpdates", body: #"{"data":[]}"#, bearer: reader).status == 403)
            #expect(try await f.raw("POST", "/processes/demo-process/batchUpdates", body: #"{"data":[]}"#, bearer: token).status == 200)
            try await client.shutdown()
        }
    }
}

@Suite("Seed and admin endpoints")
struct SeedTests {
    @Test func resetRestoresTheSeed() async throws {
        try await Fixture.with { f in
            let client = try f.client()
            let seeded = f.store.export()
            _ = try await client.createJobRuns(processRunID: "demo-run", jobs: [Jobs.sendTask("temporary")])
            #expect(f.store.export() != seeded)
            #expect(try await f.raw("POST", "/_sandbox/reset").status == 200)
            #expect(f.store.export() == seeded)
            _ = try await client.getProcessRun(id: "demo-run")  // tokens survive a reset
            try await client.shutdown()
        }
    }

    @Test func exportedStateLoadsAsASeed() async throws {
        try await Fixture.with { f in
            let client = try f.client()
            _ = try await client.createJobRuns(processRunID: "demo-run", jobs: [Jobs.contentRequest("kept")], placement: .init(parentGroupID: "group-review"))
            let state = try await f.raw("GET", "/_sandbox/state?secrets=true")
            #expect(state.status == 200)
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("seed-\(UUID().uuidString).json")
            try Data(state.text.utf8).write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            let loaded = try Seed.load(path: file.path)
            try await Fixture.with({ $0.seed = loaded }) { g in
                #expect(try await g.raw("GET", "/_sandbox/state?secrets=true").text == state.text, "export, load, export: the same document")
                let other = try g.client()
                let run = try await other.getProcessRun(id: "demo-run")
                #expect(run.childIDs(of: "group-review").count == 3)
                try await other.shutdown()
            }
            try await client.shutdown()
        }
    }

    @Test(arguments: [
        (#"{"principals": 3}"#, "principals"),
        (#"{"principals":[],"documents":[],"clients":[],"processes":[],"processRuns":[{"id":"r","status":"running","children":[{"id":"a"}]}]}"#, "needs \"parallel\""),
        (#"{"principals":[],"documents":[],"clients":[],"processes":[],"processRuns":[{"id":"r","status":"running","children":[{"id":"a","action":"sendTask"},{"id":"a","action":"sendTask"}]}]}"#, "appears twice"),
        ("not json", "not valid JSON"),
    ])
    func badSeedsSayWhatAndWhere(text: String, expected: String) throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString).json")
        try Data(text.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let error = #expect(throws: SeedError.self) { try Seed.load(path: file.path) }
        #expect(error?.description.contains(expected) == true, "\(String(describing: error))")
        #expect(error?.description.hasPrefix(file.path) == true)
    }

    @Test func requestLogAndStats() async throws {
        try await Fixture.with { f in
            let token = try await f.token()
            _ = try await f.raw("GET", "/processRuns/demo-run", bearer: token)
            _ = try await f.raw("GET", "/processRuns/missing", bearer: token)
            let log = try await f.raw("GET", "/_sandbox/requests")
            let entries = try #require(log.json?.arrayValue)
            #expect(entries.map { $0["status"]?.integerValue } == [200, 200, 404])
            #expect(entries.last?["path"] == "/processRuns/missing")
            let stats = try await f.raw("GET", "/_sandbox/stats")
            #expect(stats.json?["requests"]?.integerValue == 4)
        }
    }
}

@Suite("Starting")
struct StartTests {
    @Test func aFixtureIsStoppedWhenItsBodyThrows() async throws {
        struct Planned: Error {}
        var port: Int?
        do {
            try await Fixture.with { f in
                port = f.baseURL.port
                throw Planned()
            }
            Issue.record("the body's error was not passed on")
        } catch is Planned {}
        // Its port is free again at once: the sandbox was stopped and waited for.
        var options = SandboxServer.Options()
        options.port = try #require(port)
        let again = try await SandboxServer(options: options).start()
        await again.stop()
    }

    @Test func aPortInUseIsAnErrorNotAHang() async throws {
        try await Fixture.with { f in
            let port = try #require(f.baseURL.port)
            var options = SandboxServer.Options()
            options.port = port
            // Stopped if it does start, so a failure here leaves no server behind.
            do {
                let second = try await SandboxServer(options: options).start()
                await second.stop()
                Issue.record("a second sandbox started on port \(port)")
            } catch {}
        }
    }
}
