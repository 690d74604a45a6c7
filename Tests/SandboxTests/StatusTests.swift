import Foundation
import JSON
import ProcessesAPI
import Testing
@testable import Sandbox

@Suite("Statuses: derived from children, moved by the admin endpoint")
struct RunStatusTests {
    @Test(arguments: [
        (["complete", "complete"], "complete"),
        (["cancelled", "cancelled"], "cancelled"),
        (["complete", "cancelled"], "complete"),
        (["waiting", "waiting"], "waiting"),
        (["waiting", "running", "complete"], "running"),
        (["complete", "waiting"], "running"),
        (["running", "cancelling"], "cancelling"),
        (["cancelled", "waiting"], "running"),
    ])
    func derivation(children: [String], expected: String) {
        #expect(RunStatus.derived(from: children) == expected)
    }

    @Test func anEmptyGroupKeepsItsStatus() {
        #expect(RunStatus.derived(from: []) == nil)
    }

    @Test func groupsAndTheRunFollowAJobRun() throws {
        let store = SandboxStore(seed: .demo)
        let changed = try store.setJobRunStatus(id: "job-11", status: "running")
        #expect(changed.runID == "demo-run")
        #expect(changed.runStatus == "running")
        var review = try group("group-review", in: store.processRun(id: "demo-run"))
        #expect(review.status == "running")
        #expect(review.statusCounts?.additionalProperties == ["running": 1, "waiting": 1])
        for id in ["job-1", "job-7", "job-11", "job-12", "job-21", "job-9"] {
            try store.setJobRunStatus(id: id, status: "complete")
        }
        let run = try store.processRun(id: "demo-run")
        #expect(run.status == "complete")
        #expect(run.statusCounts?.additionalProperties == ["complete": 6])
        review = try group("group-review", in: run)
        #expect(review.status == "complete")
        // A complete run takes no more job runs (createJobRuns answers 409).
        #expect(throws: SandboxError.self) {
            try store.createJobRuns(
                runID: "demo-run", placement: .init(),
                jobs: [Jobs.sendTask("Late")])
        }
    }

    @Test func unknownStatusesAndJobRunsAreRefused() throws {
        let store = SandboxStore(seed: .demo)
        #expect(throws: SandboxError.self) { try store.setJobRunStatus(id: "job-9", status: "done") }
        do {
            try store.setJobRunStatus(id: "job-9", status: "Complete")
            Issue.record("a status is case-sensitive")
        } catch {
            #expect(error.status == 400)
            #expect(error.code == "invalidStatus")
            #expect(error.message.contains("waiting, running, cancelling, complete, cancelled"))
        }
        do {
            try store.setJobRunStatus(id: "nope", status: "complete")
            Issue.record("an unknown job run")
        } catch {
            #expect(error.status == 404)
            #expect(error.target == "jobRunId")
        }
        #expect(try store.processRun(id: "demo-run").status == "running", "nothing changed")
    }

    @Test func theAdminEndpoint() async throws {
        try await Fixture.with { f in
            let answer = try await f.raw("POST", "/_sandbox/jobRuns/job-9/status", body: #"{"status": "complete"}"#)
            #expect(answer.status == 200)
            let object = try JSONValue(parsing: answer.text)
            #expect(object["status"] == "complete")
            #expect(object["processRun"]?["status"] == "running")
            let run = try await f.client().getProcessRun(id: "demo-run")
            #expect(run.statusCounts?.additionalProperties == ["complete": 2, "running": 1, "waiting": 3])
            #expect(try await f.raw("POST", "/_sandbox/jobRuns/job-9/status", body: #"{"status": "finished"}"#).status == 400)
            #expect(try await f.raw("POST", "/_sandbox/jobRuns/job-9/status", body: "[]").status == 400)
            #expect(try await f.raw("POST", "/_sandbox/jobRuns/nope/status", body: #"{"status": "complete"}"#).status == 404)
        }
    }

    private func group(_ id: String, in run: Components.Schemas.ProcessRun) throws -> Components.Schemas.GroupRun {
        for child in run.children ?? [] {
            if case .GroupRun(let g) = child, g.id == id { return g }
        }
        throw FixtureError("no group \(id)")
    }
}
