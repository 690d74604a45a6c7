import Foundation
import Testing

/// Unit tests of the harness's own transformations, on literal examples.
@Suite("Harness")
struct HarnessTests {

    @Test("readline echo removal: default prompts, continuation, EOF")
    func echoRemoval() {
        // What Debian's lua5.4 (readline) prints for `printf 'print(1)\nx =\n3\n=x\n' | lua5.4 -i`.
        let echoed = """
            Lua 5.4.4  Copyright (C) 1994-2022 Lua.org, PUC-Rio
            > print(1)
            1
            > x =
            >> 3
            > =x
            3
            > \n
            """
        // What plain lua.c (fputs + fgets) prints.
        let plain = """
            Lua 5.4.4  Copyright (C) 1994-2022 Lua.org, PUC-Rio
            > 1
            > >> > 3
            > \n
            """
        let lines = inputLines(of: "print(1)\nx =\n3\n=x\n")
        #expect(lines == ["print(1)", "x =", "3", "=x"])
        #expect(removeReadlineEcho(from: echoed, inputLines: lines, prompts: ["> ", ">> "]) == plain)
    }

    @Test("readline echo removal: output equal to the input, empty lines, repeated lines")
    func echoRemovalTricky() {
        let echoed = "> 1\n1\n> \n> 1\n1\n> \n"
        let lines = ["1", "", "1"]
        #expect(removeReadlineEcho(from: echoed, inputLines: lines, prompts: ["> ", ">> "]) == "> 1\n> > 1\n> \n")
    }

    @Test("readline echo removal: custom prompts; unread lines are left alone")
    func echoRemovalCustomPrompts() {
        let echoed = "my> x =\nmore> 1\nmy> os.exit()\n"
        let lines = ["x =", "1", "os.exit()", "print('never read')"]
        #expect(
            removeReadlineEcho(from: echoed, inputLines: lines, prompts: ["my> ", "more> "])
                == "my> more> my> ")
        // Text not preceded by a prompt is not an echo.
        #expect(removeReadlineEcho(from: "x =\n", inputLines: ["x ="], prompts: ["> "]) == "x =\n")
    }

    @Test("normalisation of program path and directory")
    func normalisation() {
        let text = "/usr/bin/lua5.4: /tmp/d/x.lua:1: boom\nusage: /usr/bin/lua5.4 [options]"
        #expect(
            normalise(text, replacing: [("/usr/bin/lua5.4", "<prog>"), ("/tmp/d", "<dir>")])
                == "<prog>: <dir>/x.lua:1: boom\nusage: <prog> [options]")
    }

    @Test("procsh's version line is dropped only when present")
    func versionLine() {
        let banner = "Lua 5.4.4  Copyright (C) 1994-2022 Lua.org, PUC-Rio\n"
        #expect(dropProcshVersionLine("procsh 0.1.0\n" + banner) == banner)
        #expect(dropProcshVersionLine(banner) == banner)
        #expect(dropProcshVersionLine("procsh 1.0") == "")
        #expect(dropProcshVersionLine("procshx\n" + banner) == "procshx\n" + banner)
    }

    @Test("difference description points at the first differing line")
    func differenceDescription() {
        let d = describeDifference("stdout", expected: "a\nb\n", actual: "a\nc\n")
        #expect(d.contains("differs at line 2"))
        #expect(d.contains("lua5.4: \"b\""))
        #expect(d.contains("procsh: \"c\""))
    }

    @Test("a script still open for writing elsewhere runs once it is closed (ETXTBSY is waited out)")
    func busyScriptRuns() async throws {
        let dir = try makeTempDirectory(files: ["script.sh": "#!/bin/sh\necho ran\n"])
        let script = dir.appendingPathComponent("script.sh").path
        chmod(script, 0o755)
        // A child holds it open for writing for a while, as one spawned in a write's moment would.
        let holder = try RunningProcess(
            executable: "/bin/sh", arguments: ["-c", "exec 3>>script.sh; echo open; sleep 0.5"],
            environment: ["PATH": "/usr/bin:/bin"], directory: dir)
        #expect(await holder.waitForStdout(containing: "open", timeout: 10))
        let r = try await run(script, [], environment: ["PATH": "/usr/bin:/bin"], directory: dir, timeout: 30)
        #expect(r.termination == .exit(0) && r.stdout == "ran\n", "\(r)")
        #expect(await holder.wait(timeout: 10).termination == .exit(0))
    }

    @Test("the runner captures stdout, stderr, status, signals and stdin")
    func runner() async throws {
        let dir = try makeTempDirectory(files: ["f.txt": "file"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let env = baseEnvironment(home: dir.path)
        let r = try await run(
            "/bin/sh", ["-c", "cat; cat f.txt; echo err >&2; echo \"$HOME\" \"${LUA_INIT-unset}\"; exit 3"],
            stdin: .text("in\n"), environment: env, directory: dir)
        #expect(r.stdout == "in\nfile\(dir.path) unset\n")
        #expect(r.stderr == "err\n")
        #expect(r.termination == .exit(3))
        let killed = try await run("/bin/sh", ["-c", "kill -INT $$"], environment: env, directory: dir)
        #expect(killed.termination == .signal(SIGINT))
        let slow = try await run("/bin/sleep", ["5"], environment: env, directory: dir, timeout: 0.3)
        #expect(slow.timedOut)
        // stdin is never a terminal.
        let tty = try await run("/bin/sh", ["-c", "test -t 0 && echo tty || echo notty"], environment: env, directory: dir)
        #expect(tty.stdout == "notty\n")
    }
}
