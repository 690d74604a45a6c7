import Foundation
import JSON
import Testing

@testable import Sandbox

/// A getProcessRun answer is reused only while nothing has changed.
@Suite("Read cache")
struct ReadCacheTests {
    /// A sendTask whose title appears nowhere in the seed.
    static let probe = sendTaskJSON(#""assignee":{"id":"user123","type":"user"},"title":"cache probe""#)

    @Test("a read after a change sees it; a read after a reset sees the seed again; reads agree with the store")
    func cacheFollowsChanges() async throws {
        // The same steps against a sandbox without the cache: what the generated
        // server encodes from the store is what a cached read must give.
        try await Fixture.with { fixture in
            try await Fixture.with({ $0.fastPaths = false }) { reference in
                let token = try await fixture.token()
                let referenceToken = try await reference.token()
                let path = "/processRuns/demo-run"
                let first = try await fixture.raw("GET", path, bearer: token)
                let again = try await fixture.raw("GET", path, bearer: token)
                #expect(first.status == 200)
                #expect(again.text == first.text)
                #expect(first.text == (try await reference.raw("GET", path, bearer: referenceToken)).text)
                let revision = fixture.store.revision
                #expect(revision == 0, "reads do not change the revision")

                let created = try await fixture.create(Self.probe, query: "?parentGroupId=group-review", token: token)
                #expect(created.status == 201, "\(created.text)")
                _ = try await reference.create(Self.probe, query: "?parentGroupId=group-review", token: referenceToken)
                let id = try #require(created.json?.arrayValue?.first?["id"]?.stringValue)
                #expect(fixture.store.revision > revision)
                #expect(!first.text.contains(id) && !first.text.contains("cache probe"), "the probe is new")

                // A different answer: the new job run, in the group it was put in.
                let afterCreate = try await fixture.raw("GET", path, bearer: token)
                #expect(afterCreate.status == 200)
                #expect(afterCreate.text != first.text)
                #expect(afterCreate.text.contains(id))
                #expect(afterCreate.text.contains("cache probe"))
                #expect(afterCreate.text == (try await reference.raw("GET", path, bearer: referenceToken)).text)
                let review = afterCreate.json?["children"]?.arrayValue?.first { $0["id"] == "group-review" }
                #expect(review?["children"]?.arrayValue?.map { $0["id"]?.stringValue } == ["job-11", "job-12", id])

                // A different query is a different answer, and does not replace the cached one.
                let excluded = try await fixture.raw("GET", path + "?excludeGeneratedJobs=true", bearer: token)
                #expect(excluded.status == 200)
                #expect(excluded.text != afterCreate.text)
                #expect(afterCreate.text.contains("certificationSignerGenerated"))
                #expect(!excluded.text.contains("certificationSignerGenerated"))
                #expect(excluded.text.contains(id))
                #expect(try await fixture.raw("GET", path, bearer: token).text == afterCreate.text)

                fixture.store.reset()
                let afterReset = try await fixture.raw("GET", path, bearer: token)
                #expect(afterReset.text == first.text)
                #expect(!afterReset.text.contains(id))
            }
        }
    }

    @Test("a failed write leaves the revision meaningful: the answer is still right")
    func failedWrite() async throws {
        try await Fixture.with { fixture in
            let token = try await fixture.token()
            let first = try await fixture.raw("GET", "/processRuns/demo-run", bearer: token)
            let refused = try await fixture.create(Self.probe, query: "?parentGroupId=group-certification", token: token)
            #expect(refused.status == 409)
            let after = try await fixture.raw("GET", "/processRuns/demo-run", bearer: token)
            #expect(after.status == 200)
            #expect(after.text == first.text)
            #expect(!after.text.contains("cache probe"))
        }
    }
}
