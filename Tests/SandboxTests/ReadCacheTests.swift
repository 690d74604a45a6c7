import Foundation
import Testing

@testable import Sandbox

/// A getProcessRun answer is reused only while nothing has changed.
@Suite("Read cache")
struct ReadCacheTests {
    @Test("a read after a change sees it; a read after a reset sees the seed again; reads agree with the store")
    func cacheFollowsChanges() async throws {
        let fixture = try await Fixture.start()
        defer { Task { await fixture.stop() } }
        let token = try await fixture.token()
        let first = try await fixture.raw("GET", "/processRuns/demo-run", bearer: token)
        let again = try await fixture.raw("GET", "/processRuns/demo-run", bearer: token)
        #expect(first.status == 200 && again.text == first.text)
        let revision = fixture.sandbox.server.store.revision
        #expect(revision == 0, "reads do not change the revision")

        let created = try await fixture.create(sendTaskJSON(), query: "?parentGroupId=group-review", token: token)
        #expect(created.status == 201, "\(created.text)")
        #expect(fixture.sandbox.server.store.revision > revision)
        let afterCreate = try await fixture.raw("GET", "/processRuns/demo-run", bearer: token)
        #expect(afterCreate.text != first.text)
        #expect(afterCreate.text.contains("jobrun-1"))

        // A different query is a different answer.
        let excluded = try await fixture.raw("GET", "/processRuns/demo-run?excludeGeneratedJobs=true", bearer: token)
        #expect(excluded.status == 200)

        fixture.sandbox.server.store.reset()
        let afterReset = try await fixture.raw("GET", "/processRuns/demo-run", bearer: token)
        #expect(afterReset.text == first.text)
    }

    @Test("a failed write leaves the revision meaningful: the answer is still right")
    func failedWrite() async throws {
        let fixture = try await Fixture.start()
        defer { Task { await fixture.stop() } }
        let token = try await fixture.token()
        let first = try await fixture.raw("GET", "/processRuns/demo-run", bearer: token)
        let refused = try await fixture.create(sendTaskJSON(), query: "?parentGroupId=group-certification", token: token)
        #expect(refused.status == 409)
        let after = try await fixture.raw("GET", "/processRuns/demo-run", bearer: token)
        #expect(after.text == first.text)
    }
}
