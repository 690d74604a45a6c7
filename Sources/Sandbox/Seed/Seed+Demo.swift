import Foundation
import ProcessesAPI

extension Seed {
    /// The demo data: stable ids that docs, examples and tests name.
    ///
    /// - `demo-run` (running): jobs at the root (`job-1` complete, `job-7`
    ///   running, `job-9` waiting), the writable group `group-review` with two
    ///   jobs, and the read-only group `group-certification`.
    /// - `demo-run-complete` (complete) with one job.
    /// - Users `user123`, `manager456`, `user789`, `reviewer001`, `approver002`;
    ///   the group `finance-team`.
    /// - Documents `doc456` (sections `section-id-123`, `section-id-456`) and
    ///   `doc789` (`section-id-123`).
    /// - OAuth clients `sandbox-client` / `sandbox-secret` (file:read file:write)
    ///   and `sandbox-reader` / `sandbox-secret` (file:read).
    public static let demo: Seed = {
        let created = Date(timeIntervalSince1970: 1_764_000_000)  // 2025-11-24
        let tree: [Node] = [
            .sendTask(id: "job-1", title: "Collect Q4 trial balance", assignee: "user123", due: "2024-12-01", status: "complete"),
            .sendTask(id: "job-7", title: "Prepare Q4 financial report", assignee: "user123", due: "2024-12-10", status: "running"),
            Node(
                id: "group-review", name: "Review", status: "waiting", parallel: false, readOnly: false,
                children: [
                    .sendTask(id: "job-11", title: "Review Q4 financial report", assignee: "manager456", due: "2024-12-15", status: "waiting"),
                    .contentRequest(id: "job-12", title: "Fill in the variance commentary", assignee: "user789", document: "doc456", section: "section-id-123", status: "waiting"),
                ]),
            Node(
                id: "group-certification", name: "Certification", status: "waiting", parallel: true, readOnly: true,
                children: [
                    Node(
                        id: "job-21", name: "Sign-off", action: "certificationSignerGenerated",
                        arguments: try? JSONDecoder().decode(
                            Components.Schemas.JobRunArguments.self,
                            from: Data(#"{"type":"certificationSignerGenerated","certSignerArgs":{"signer":{"id":"approver002","type":"user"}}}"#.utf8)),
                        triggerType: "whenEligible", status: "waiting")
                ]),
            .sendTask(id: "job-9", title: "File the Q4 report", assignee: "user123", due: "2024-12-20", status: "waiting"),
        ]
        return Seed(
            principals: [
                .init(id: "user123", name: "Alex Rivera"),
                .init(id: "manager456", name: "Morgan Lee"),
                .init(id: "user789", name: "Sam Patel"),
                .init(id: "reviewer001", name: "Jordan Chen"),
                .init(id: "approver002", name: "Casey Brooks"),
                .init(id: "finance-team", type: "group", name: "Finance team"),
            ],
            documents: [
                .init(id: "doc456", name: "Q4 workbook", sections: ["section-id-123", "section-id-456"]),
                .init(id: "doc789", name: "Q4 report", sections: ["section-id-123"]),
            ],
            clients: [
                .init(id: "sandbox-client", secret: "sandbox-secret", scopes: ["file:read", "file:write"]),
                .init(id: "sandbox-reader", secret: "sandbox-secret", scopes: ["file:read"]),
            ],
            processes: [
                .init(id: "demo-process", name: "Q4 close", dueDate: "2024-12-31", created: created, children: tree.map(\.asDefinition))
            ],
            processRuns: [
                .init(id: "demo-run", processId: "demo-process", name: "Q4 close 2024", status: "running", created: created, children: tree),
                .init(
                    id: "demo-run-complete", processId: "demo-process", name: "Q3 close 2024", status: "complete", created: created,
                    children: [.sendTask(id: "job-q3-1", title: "Prepare Q3 financial report", assignee: "user123", due: "2024-09-30", status: "complete")]),
            ])
    }()
}
