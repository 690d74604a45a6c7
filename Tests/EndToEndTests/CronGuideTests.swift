import Foundation
import Testing

/// docs/cron.md's examples, run as the guide shows them (with --sandbox in
/// place of a production profile).
@Suite("The cron guide", .enabled(if: !Programs.procshIsReference, "procsh's own options"))
struct CronGuideTests {
    @Test("the guide's command: locked, limited, JSON logs, status 0; the same run while locked: 75")
    func guideCommand() async throws {
        let dir = try makeTempDirectory()
        let lock = dir.appendingPathComponent("reviews.lock").path
        let arguments = [
            "--sandbox", "--lock", lock, "--timeout", "300", "--memory-limit", "256", "--log-format", "json",
            "scripts/examples/review-tasks-from-csv.lua", "scripts/examples/reviewers.csv", "Review", "demo-run",
        ]
        let r = try await run(try Programs.procsh(), arguments, environment: baseEnvironment(home: dir.path), directory: Programs.packageRoot, timeout: 60)
        #expect(r.termination == .exit(0), "\(r)")
        let log = try JSONSerialization.jsonObject(with: Data(r.stderr.split(separator: "\n").first.map(String.init)?.utf8 ?? "".utf8)) as? [String: Any]
        #expect(log?["message"] as? String == "added 3 review tasks to \"Review\" (group-review); 0 were there already", "\(r)")

        // While another run holds the lock, the job does nothing and says so.
        let holder = try await UnattendedRunTests.holder(
            lock, release: dir.path + "/release", log: dir.path + "/log", dir: dir)
        let busy = try await run(try Programs.procsh(), arguments, environment: baseEnvironment(home: dir.path), directory: Programs.packageRoot, timeout: 60)
        #expect(busy.termination == .exit(75), "\(busy)")
        #expect(busy.stderr.contains("held by another run (pid \(holder.pid)); not running."), "\(busy)")
        #expect(busy.stdout.isEmpty, "\(busy)")
        FileManager.default.createFile(atPath: dir.path + "/release", contents: nil)
        let held = await holder.wait(timeout: 30)
        #expect(held.termination == .exit(0), "\(held)")
    }

    @Test("a script that runs itself with its options in the first line (env -S)")
    func shebang() async throws {
        let procsh = try Programs.procsh()
        let dir = try makeTempDirectory(files: [
            "print-tree.lua": "#!/usr/bin/env -S \(procsh) --sandbox --timeout 60\nprint(processruns.tree(processruns.get(arg[1] or 'demo-run')))\n"
        ])
        let script = dir.appendingPathComponent("print-tree.lua").path
        chmod(script, 0o755)
        let r = try await run(script, ["demo-run"], environment: baseEnvironment(home: dir.path), directory: dir, timeout: 60)
        #expect(r.termination == .exit(0), "\(r)")
        #expect(r.stdout.hasPrefix("demo-run \"Q4 close 2024\" [running]\n"), "\(r)")
    }

    @Test("the guide's wrapper: 75 is not an alert, anything else is")
    func wrapper() async throws {
        let procsh = try Programs.procsh()
        let dir = try makeTempDirectory()
        let wrapper = """
            #!/bin/sh
            "\(procsh)" --sandbox -e "$1"
            status=$?
            case $status in
              0)  ;;
              75) echo "busy or timed out; the next run will try again" >&2 ;;
              *)  echo "ALERT: failed with status $status" ;;
            esac
            exit $status
            """
        let path = dir.appendingPathComponent("job.sh").path
        try Data(wrapper.utf8).write(to: URL(fileURLWithPath: path))
        chmod(path, 0o755)
        let busy = try await run(path, ["sandbox.faults('503=1') processruns.get('demo-run')"], environment: baseEnvironment(home: dir.path), directory: dir, timeout: 60)
        #expect(busy.termination == .exit(75), "\(busy)")
        #expect(!busy.stdout.contains("ALERT"), "\(busy)")
        let bad = try await run(path, ["jobruns.create('demo-run', {})"], environment: baseEnvironment(home: dir.path), directory: dir, timeout: 60)
        #expect(bad.termination == .exit(65), "\(bad)")
        #expect(bad.stdout.contains("ALERT: failed with status 65"), "\(bad)")
    }
}
