import Foundation
import Testing

/// Scripts that run away: endless recursion, huge strings, memory bombs,
/// endless loops. Each ends with a clean error and a documented exit status,
/// and the prompt survives every one of them.
@Suite("Limits", .enabled(if: !Programs.procshIsReference, "procsh's own limits"))
struct LimitsTests {
    static let recursion = "local function f() return f() + 1 end f()"
    static let coroutineRecursion = "local function f() return coroutine.wrap(f)() end f()"
    static let hugeString = "local s = string.rep('x', 100 * 1024 * 1024) print(#s)"
    static let memoryBomb = "local t = {} while true do t[#t + 1] = ('x'):rep(64) .. #t end"

    @Test("each runaway script is an error (exit 1) with its message, never a crash", arguments: [
        ([], recursion, "stack overflow"),
        ([], coroutineRecursion, "stack overflow"),
        (["--memory-limit", "64"], hugeString, "not enough memory"),
        (["--memory-limit", "64"], memoryBomb, "not enough memory"),
    ])
    func runaway(options: [String], code: String, message: String) async throws {
        let r = try await UnattendedRunTests.procsh(options + ["-e", code], timeout: 60)
        #expect(r.termination == .exit(1), "\(r)")
        #expect(r.stderr.contains(message), "\(r)")
        // As in lua.c, a memory error has no traceback: making one would need memory.
        #expect(r.stderr.contains("stack traceback:") == (message != "not enough memory"), "\(r)")
    }

    @Test("a 100 MB string without a limit is just a string")
    func hugeStringWithoutLimit() async throws {
        let r = try await UnattendedRunTests.procsh(["-e", Self.hugeString], timeout: 60)
        #expect(r.termination == .exit(0), "\(r)")
        #expect(r.stdout == "104857600\n")
    }

    @Test("the prompt survives each runaway statement and goes on")
    func promptSurvives() async throws {
        let home = try makeTempDirectory()
        let input = [Self.recursion, Self.coroutineRecursion, Self.hugeString, Self.memoryBomb, "print('alive', 1 + 1)"]
            .joined(separator: "\n") + "\n"
        let r = try await run(
            try Programs.procsh(), ["--memory-limit", "64", "-i"], stdin: .text(input),
            environment: baseEnvironment(home: home.path), directory: home, timeout: 120)
        #expect(r.termination == .exit(0), "\(r)")
        #expect(r.stdout.contains("alive\t2"), "\(r)")
        // Under 64 MB a deep recursion may run out of memory before it reaches Lua's stack limit.
        let errors = ["stack overflow", "not enough memory"].map { r.stderr.components(separatedBy: $0).count - 1 }
        #expect(errors[0] + errors[1] == 4, "one error per runaway statement: \(r)")
    }

    @Test("Ctrl-C ends an endless loop inside pcall at the prompt, which goes on")
    func promptSurvivesAnEndlessLoop() async throws {
        let home = try makeTempDirectory()
        let child = try RunningProcess(
            executable: try Programs.procsh(), arguments: ["-i"], environment: baseEnvironment(home: home.path), directory: home,
            stdin: .text("print('ready') print(pcall(function() while true do end end))\nprint('alive')\n"))
        guard await child.waitForStdout(containing: "ready\n", timeout: 20) else {
            child.send(SIGKILL)
            Issue.record("procsh did not start: \(await child.wait())")
            return
        }
        try await SignalTests.spinning(child)
        child.send(SIGINT)
        let r = await child.wait(timeout: 20)
        #expect(r.termination == .exit(0), "\(r)")
        #expect(r.stdout.contains("false\tinterrupted!"), "\(r)")
        #expect(r.stdout.contains("alive"), "\(r)")
    }

    @Test("--timeout ends procsh.sleep, however long, with 75")
    func timeoutEndsASleep() async throws {
        for seconds in ["600", "1e19"] {  // only the limit can end these before the harness kills procsh
            let r = try await UnattendedRunTests.procsh(["--timeout", "0.5", "-e", "procsh.sleep(\(seconds)) print('after')"], timeout: 120)
            #expect(!r.timedOut, "\(r)")
            #expect(r.termination == .exit(75), "\(r)")
            #expect(!r.stdout.contains("after"), "\(r)")
        }
    }
}
