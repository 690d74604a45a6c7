import Foundation
import Testing

/// trashProcess, validateProcess and batchUpdateProcess end to end: called
/// with Python `requests` as Workiva's samples call them
/// (Tests/reliability/api/test_new_operations.py), and through the built
/// procsh's bindings in a dry run.
@Suite("New processes operations", .enabled(if: !Programs.procshIsReference, "procsh's own sandbox and bindings"))
struct NewOperationsTests {
    @Test("Python requests against procsh sandbox serve: trash, validate, batch updates")
    func pythonRequests() async throws {
        let result = try await ReliabilityTests.tool(
            [try Programs.python(), "Tests/reliability/api/test_new_operations.py", try Programs.procsh()], timeout: 120)
        #expect(result.termination == .exit(0), "\(result)")
        #expect(result.stdout.contains("new operations: 3 passed, 0 failed"), "\(result)")
    }

    @Test("--dry-run prints trash and rename, sends neither, and still sends validate")
    func dryRun() async throws {
        let script = """
            processes.trash("demo-process")
            local p = processes.rename("demo-process", { { job = "job-9", name = "Filed" } })
            print(p.id, p.dryRun)
            print(#processes.validate("demo-process"))
            print(processes.get("demo-process").children[5].name)
            """
        let r = try await LuaAPITests.procsh(["--sandbox", "--dry-run", "-e", script])
        #expect(r.termination == .exit(0), "\(r)")
        #expect(r.stdout == "demo-process\ttrue\n0\nFile the Q4 report\n", "\(r)")
        #expect(r.stderr.contains("dry run: DELETE http://127.0.0.1:"), "\(r)")
        #expect(r.stderr.contains("/processes/demo-process/batchUpdates"), "\(r)")
        #expect(r.stderr.contains(#"{"data":[{"jobNameUpdate":{"id":"job-9","newName":"Filed"},"type":"jobName"}]}"#), "\(r)")
        #expect(!r.stderr.contains("validation\n"), "\(r)")
    }

    @Test("a mistake in a rename is a validation error (exit 65) before anything is sent")
    func renameValidation() async throws {
        let r = try await LuaAPITests.procsh(["--sandbox", "-e", #"processes.rename("demo-process", { { job = "job-9", name = 5 } })"#])
        #expect(r.termination == .exit(65), "\(r)")
        #expect(r.stderr.contains("renames[0].name: expected a string, got number 5"), "\(r)")
    }
}
