import Foundation
import ProcessesAPI
import Testing
@testable import Sandbox

@Suite("createJobRuns placement")
struct PlacementTests {
    @Test func afterASiblingInTheRootGroup() async throws {
        let f = try await Fixture.start()
        let client = try f.client()
        let created = try await client.createJobRuns(
            processRunID: "demo-run", jobs: [Jobs.sendTask("A"), Jobs.contentRequest("B")],
            placement: .init(relativeSiblingID: "job-7", before: false))
        #expect(created.map(\.ordinal) == [2, 3])
        #expect(created.allSatisfy { $0.parent == nil }, "the root group: no parent")
        let run = try await client.getProcessRun(id: "demo-run")
        #expect(run.childIDs() == ["job-1", "job-7", created[0].id, created[1].id, "group-review", "group-certification", "job-9"])
        #expect(run.ordinals() == [0, 1, 2, 3, 4, 5, 6])
        try await client.shutdown()
        await f.stop()
    }
}
