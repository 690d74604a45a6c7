import Foundation
import Testing

/// `--ping-url` and `--run-id`: a health check (healthchecks.io's pinging
/// API) told when a run starts and how it ends, with the end of its standard
/// error, secrets masked; and a monitor that fails never changes the run.
@Suite("Health-check pings", .enabled(if: !Programs.procshIsReference, "procsh's own options"))
struct PingTests {
    static func procsh(_ arguments: [String], environment: [String: String] = [:], in dir: URL? = nil, timeout: Double = 60)
        async throws -> ProcessResult
    {
        try await UnattendedRunTests.procsh(arguments, environment: environment, in: dir, timeout: timeout)
    }

    /// Whether `text` is a run id as healthchecks.io wants it: a UUID, canonical and lowercase.
    static func isRunID(_ text: String?) -> Bool {
        guard let text, let uuid = UUID(uuidString: text) else { return false }
        return uuid.uuidString.lowercased() == text
    }

    @Test("a run that succeeds pings /start, then the URL, with one run id, and the end of stderr as the body")
    func success() async throws {
        let server = try PingServer()
        let r = try await Self.procsh(["--ping-url", server.url(), "-e", "print('out') io.stderr:write('progress: 3 of 3\\n')"])
        #expect(r.termination == .exit(0), "\(r)")
        #expect(r.stdout == "out\n" && r.stderr == "progress: 3 of 3\n", "stdout and stderr are the run's own: \(r)")
        let pings = server.pings
        #expect(pings.map(\.method) == ["GET", "POST"], "\(pings)")
        #expect(pings.map(\.path) == ["/ping/check/start", "/ping/check"], "\(pings)")
        #expect(Self.isRunID(pings.first?.query["rid"]), "\(pings)")
        #expect(pings.count == 2 && pings[0].query["rid"] == pings[1].query["rid"], "\(pings)")
        #expect(pings.last?.body == "progress: 3 of 3\n", "\(pings)")
        #expect(pings.last?.headers["content-type"] == "text/plain; charset=utf-8", "\(pings)")
    }

    @Test("two runs have two run ids")
    func runIDsDiffer() async throws {
        let server = try PingServer()
        for _ in 1...2 {
            let r = try await Self.procsh(["--ping-url", server.url(), "-e", "x = 1"])
            #expect(r.termination == .exit(0), "\(r)")
        }
        let ids = Set(server.pings.compactMap { $0.query["rid"] })
        #expect(ids.count == 2, "\(server.pings)")
    }

    @Test("a run that fails pings /STATUS, with its error at the end of the body", arguments: [
        ("error('boom')", 1, "(command line):1: boom"),
        ("io.stderr:write('giving up\\n') os.exit(3)", 3, "giving up\n"),
        ("os.exit(false)", 1, ""),
        ("processruns.get('nope')", 65, "Could not find process run id nope"),
        ("while true do end", 75, "timeout: the run took longer than --timeout 2 s"),
    ])
    func failure(code: String, status: Int32, message: String) async throws {
        let server = try PingServer()
        let r = try await Self.procsh(["--sandbox", "--timeout", "2", "--ping-url", server.url(), "-e", code])
        #expect(r.termination == .exit(status), "\(r)")
        let pings = server.pings
        #expect(pings.map(\.path) == ["/ping/check/start", "/ping/check/\(status)"], "\(pings)")
        #expect(pings.count == 2 && pings[0].query["rid"] == pings[1].query["rid"], "\(pings)")
        #expect(message.isEmpty || pings.last?.body.contains(message) == true, "\(pings)")
        #expect(pings.last?.body == r.stderr, "the body is the run's standard error: \(r)\n\(pings)")
    }

    @Test("os.exit(0), os.exit(true) and os.exit(256) are successes, as the shell sees them", arguments: ["os.exit(0)", "os.exit(true)", "os.exit(256)"])
    func exitSuccess(code: String) async throws {
        let server = try PingServer()
        let r = try await Self.procsh(["--ping-url", server.url(), "-e", code])
        #expect(r.termination == .exit(0), "\(r)")
        #expect(server.pings.map(\.path) == ["/ping/check/start", "/ping/check"], "\(server.pings)")
    }

    @Test("the client secret, alone or as HTTP Basic credentials, is masked in every body")
    func secretsMasked() async throws {
        let server = try PingServer()
        let (id, secret) = ("job-client", "s3cr3t-Value-42")
        let basic = Data("\(id):\(secret)".utf8).base64EncodedString()
        let code = "io.stderr:write('secret=\(secret)\\n') io.stderr:write('Authorization: Basic \(basic)\\n') error('failed with \(secret)')"
        let r = try await Self.procsh(
            ["--ping-url", server.url(), "-e", code], environment: ["WORKIVA_CLIENT_ID": id, "WORKIVA_CLIENT_SECRET": secret])
        #expect(r.termination == .exit(1), "\(r)")
        let pings = server.pings
        #expect(pings.count == 2, "\(pings)")
        for ping in pings {
            #expect(!ping.body.contains(secret) && !ping.body.contains(basic), "\(ping)")
            #expect(!ping.path.contains(secret) && !ping.query.values.contains { $0.contains(secret) }, "\(ping)")
        }
        let body = pings.last?.body ?? ""
        #expect(body.contains("secret=********\nAuthorization: Basic ********\n"), "\(pings)")
        #expect(body.contains("failed with ********"), "\(pings)")
    }

    @Test("the body is the last 10 KB of standard error, which itself shows it all")
    func tailOfStandardError() async throws {
        let server = try PingServer()
        // 50,000 bytes: 2,000 lines of 25.
        let code = "for i = 1, 2000 do io.stderr:write(string.format('stderr line %05d ......\\n', i)) end os.exit(2)"
        let r = try await Self.procsh(["--ping-url", server.url(), "-e", code])
        #expect(r.termination == .exit(2), "\(r.termination)")
        let written = (1...2000).map { String(format: "stderr line %05d ......\n", $0) }.joined()
        #expect(written.utf8.count == 50_000)
        #expect(r.stderr == written, "standard error lost or reordered nothing")
        let body = try #require(server.pings.last?.body)
        #expect(body.utf8.count == 10 * 1024, "\(body.utf8.count) bytes")
        #expect(written.hasSuffix(body))
    }

    @Test("what programs the script starts write to standard error is in the body too")
    func childProcesses() async throws {
        let server = try PingServer()
        let r = try await Self.procsh(["--ping-url", server.url(), "-e", "os.execute('echo from-a-child >&2') error('after')"])
        #expect(r.termination == .exit(1), "\(r)")
        #expect(r.stderr.hasPrefix("from-a-child\n"), "\(r)")
        #expect(server.pings.last?.body.hasPrefix("from-a-child\n") == true, "\(server.pings)")
    }

    @Test("an unreachable monitor: the status stays, a warning names the URL, and the run does not wait", arguments: [0, 3])
    func unreachable(status: Int32) async throws {
        let url = "http://127.0.0.1:\(try PingServer.closedPort())/ping/check"
        let r = try await Self.procsh(["--ping-url", url, "-e", "print('done') os.exit(\(status))"])
        #expect(r.termination == .exit(status), "\(r)")
        #expect(r.stdout == "done\n", "\(r)")
        #expect(r.stderr.contains("procsh: ping \(url)/start?rid="), "\(r)")
        #expect(r.stderr.contains("failed: could not connect"), "\(r)")
        #expect(r.stderr.contains("; the run goes on\n"), "\(r)")
        #expect(r.stderr.contains("; the exit status stays \(status)\n"), "\(r)")
        // A refusal ends a ping at once, not at its deadline (how long that
        // costs a run is measured in scripts/bench, "pings").
        #expect(!r.stderr.contains("no answer within"), "\(r)")
    }

    @Test("a monitor that never answers: the status stays, a warning, and each ping gives up at its deadline")
    func neverAnswers() async throws {
        let server = try PingServer(answering: false)
        let r = try await Self.procsh(["--ping-url", server.url(), "-e", "error('boom')"])
        #expect(r.termination == .exit(1), "\(r)")
        #expect(!r.timedOut, "\(r)")
        #expect(r.stderr.contains("(command line):1: boom"), "\(r)")
        #expect(r.stderr.contains("ping \(server.url())/start?rid="), "\(r)")
        #expect(r.stderr.contains("failed: no answer within 3 s; the run goes on"), "\(r)")
        #expect(r.stderr.contains("ping \(server.url())/1?rid="), "\(r)")
        #expect(r.stderr.contains("failed: no answer within 3 s; the exit status stays 1"), "\(r)")
        #expect(server.pings.map(\.path) == ["/ping/check/start", "/ping/check/1"], "both were tried: \(server.pings)")
    }

    @Test("a monitor's refusal (HTTP 404) is a warning too; under --log-format json, a JSON line")
    func refusedAsJSON() async throws {
        let server = try PingServer(status: 404)
        let r = try await Self.procsh(["--log-format", "json", "--ping-url", server.url(), "-e", "x = 1"])
        #expect(r.termination == .exit(0), "\(r)")
        let objects = try UnattendedRunTests.jsonObjects(r.stderr)
        #expect(objects.map { $0["event"] as? String } == ["start", "success"], "\(r)")
        #expect(objects.allSatisfy { $0["level"] as? String == "warn" }, "\(r)")
        #expect((objects.first?["url"] as? String)?.hasPrefix("\(server.url())/start?rid=") == true, "\(r)")
        #expect((objects.first?["message"] as? String)?.hasSuffix("failed: the server answered 404 Not Found; the run goes on") == true, "\(r)")
        #expect(Self.isRunID(objects.first?["runId"] as? String), "\(r)")
        #expect(server.pings.count == 2, "a 404 is not tried again: \(server.pings)")
    }

    @Test("--quiet and --log-level error leave a failed ping's warning out; the pings still go", arguments: [["--quiet"], ["--log-level", "error"]])
    func quietLeavesTheWarningOut(options: [String]) async throws {
        let server = try PingServer(status: 404)
        let r = try await Self.procsh(options + ["--ping-url", server.url(), "-e", "x = 1"])
        #expect(r.termination == .exit(0), "\(r)")
        #expect(r.stderr.isEmpty, "\(r)")
        #expect(server.pings.map(\.path) == ["/ping/check/start", "/ping/check"], "\(server.pings)")
    }

    @Test("a monitor that is busy (HTTP 503) is tried once more, within the ping's time")
    func busyTriedAgain() async throws {
        let server = try PingServer(status: 503)
        let r = try await Self.procsh(["--ping-url", server.url(), "-e", "os.exit(5)"])
        #expect(r.termination == .exit(5), "\(r)")
        #expect(server.pings.map(\.path) == ["/ping/check/start", "/ping/check/start", "/ping/check/5", "/ping/check/5"], "\(server.pings)")
        #expect(r.stderr.contains("failed: the server answered 503 Service Unavailable; the exit status stays 5"), "\(r)")
    }

    @Test("--run-id is every ping's rid, in its canonical lowercase form")
    func runIDGiven() async throws {
        let server = try PingServer()
        let id = "3F2A8E0C-5B1D-4C6E-9A7F-0D2B4C6E8A1F"
        let r = try await Self.procsh(["--ping-url", server.url(), "--run-id", id, "-e", "x = 1"])
        #expect(r.termination == .exit(0), "\(r)")
        #expect(server.pings.map { $0.query["rid"] } == [id.lowercased(), id.lowercased()], "\(server.pings)")
    }

    @Test("the ping URL from a profile, from PROCSH_PING_URL, and the command line over both")
    func fromProfile() async throws {
        let home = try makeTempDirectory()
        let (profile, environment, command) = (try PingServer(), try PingServer(), try PingServer())
        let set = try await Self.procsh(["config", "set", "job", "ping-url", profile.url("/ping/from-profile")], in: home)
        #expect(set.termination == .exit(0), "\(set)")
        let shown = try await Self.procsh(["config", "show", "--profile", "job"], in: home)
        #expect(shown.stdout.contains("ping url         \(profile.url("/ping/from-profile")) (profile job: ping-url)"), "\(shown)")

        let r1 = try await Self.procsh(["--profile", "job", "-e", "x = 1"], in: home)
        #expect(r1.termination == .exit(0), "\(r1)")
        #expect(profile.pings.map(\.path) == ["/ping/from-profile/start", "/ping/from-profile"], "\(profile.pings)")

        let variable = ["PROCSH_PING_URL": environment.url("/ping/from-env")]
        let r2 = try await Self.procsh(["--profile", "job", "-e", "x = 1"], environment: variable, in: home)
        #expect(r2.termination == .exit(0), "\(r2)")
        #expect(environment.pings.map(\.path) == ["/ping/from-env/start", "/ping/from-env"], "\(environment.pings)")

        let r3 = try await Self.procsh(["--profile", "job", "--ping-url", command.url(), "-e", "x = 1"], environment: variable, in: home)
        #expect(r3.termination == .exit(0), "\(r3)")
        #expect(command.pings.count == 2, "\(command.pings)")
        #expect(profile.pings.count == 2 && environment.pings.count == 2, "the others got nothing more")
    }

    @Test("a profile's ping URL is for runs, not the prompt")
    func profileNotForThePrompt() async throws {
        let home = try makeTempDirectory()
        let server = try PingServer()
        _ = try await Self.procsh(["config", "set", "job", "ping-url", server.url()], in: home)
        let r = try await Self.procsh(["--profile", "job", "-i"], in: home)
        #expect(r.termination == .exit(0), "\(r)")
        #expect(server.pings.isEmpty, "\(server.pings)")
        let refused = try await Self.procsh(["--ping-url", server.url(), "-i"], in: home)
        #expect(refused.termination == .exit(64), "\(refused)")
        #expect(refused.stderr.contains("--ping-url: only for runs without the prompt"), "\(refused)")
    }

    @Test("a wrong ping URL in the profile or the environment names where it is")
    func badValueInProfile() async throws {
        let home = try makeTempDirectory()
        let set = try await Self.procsh(["config", "set", "job", "ping-url", "mailto:ops@example.com"], in: home)
        #expect(set.termination == .exit(64), "\(set)")
        #expect(set.stderr.contains("ping-url: 'mailto:ops@example.com' is not an http:// or https:// URL"), "\(set)")
        let r = try await Self.procsh(["-e", "print('ran')"], environment: ["PROCSH_PING_URL": "nope"], in: home)
        #expect(r.termination == .exit(64), "\(r)")
        #expect(r.stderr.contains("PROCSH_PING_URL: 'nope' is not an http:// or https:// URL"), "\(r)")
    }

    @Test("a wrong option after --ping-url is a failed run: /64, the message in the body")
    func usageErrorPings() async throws {
        let server = try PingServer()
        let r = try await Self.procsh(["--ping-url", server.url(), "--timeout", "soon", "-e", "print('ran')"])
        #expect(r.termination == .exit(64), "\(r)")
        #expect(server.pings.map(\.path) == ["/ping/check/64"], "a run that never started sends no /start: \(server.pings)")
        #expect(server.pings.first?.body.contains("--timeout: 'soon' is not a number of seconds") == true, "\(server.pings)")
    }

    @Test("--quiet-on-success with pings: the body is the held standard error, shown or not")
    func withQuietOnSuccess() async throws {
        let server = try PingServer()
        let code = "print('out') io.stderr:write('err 1\\n') log.info('logged') io.stderr:write('err 2\\n')"
        let quiet = try await Self.procsh(["--quiet-on-success", "--ping-url", server.url(), "-e", code])
        #expect(quiet.termination == .exit(0), "\(quiet)")
        #expect(quiet.stdout.isEmpty && quiet.stderr.isEmpty, "\(quiet)")
        let success = try #require(server.pings.last)
        #expect(success.path == "/ping/check", "\(server.pings)")
        #expect(success.body.hasPrefix("err 1\n") && success.body.hasSuffix(" info: logged\nerr 2\n"), "\(success)")

        let failed = try await Self.procsh(["--quiet-on-success", "--ping-url", server.url(), "-e", code + " os.exit(4)"])
        #expect(failed.termination == .exit(4), "\(failed)")
        #expect(failed.stdout == "out\n", "\(failed)")
        #expect(failed.stderr.hasPrefix("err 1\n") && failed.stderr.hasSuffix(" info: logged\nerr 2\n"), "\(failed)")
        let failure = try #require(server.pings.last)
        #expect(failure.path == "/ping/check/4", "\(server.pings)")
        #expect(failure.body == failed.stderr, "\(failure)")
        #expect(server.pings.count == 4, "\(server.pings)")
    }

    @Test("a run that finds its lock held sends a log ping (no /start, no failure), and says why")
    func lockHeld() async throws {
        let (dir, lock, release, log, first) = try await UnattendedRunTests.heldLock()
        let server = try PingServer()
        let second = try await Self.procsh(["--ping-url", server.url(), "--lock", lock, "-e", "print('second')"], in: dir)
        #expect(second.termination == .exit(75), "\(second)")
        #expect(server.pings.map(\.path) == ["/ping/check/log"], "\(server.pings)")
        #expect(server.pings.first?.body.contains("--lock \(lock): held by another run (pid \(first.pid)); not running.") == true, "\(server.pings)")
        #expect(Self.isRunID(server.pings.first?.query["rid"]), "\(server.pings)")
        FileManager.default.createFile(atPath: release, contents: nil)
        #expect(await first.wait(timeout: 30).termination == .exit(0))
        #expect(UnattendedRunTests.lines(of: log) == ["holder: has the lock", "holder: lets go"])
    }

    @Test("without a ping URL nothing is set up: no thread, standard error untouched")
    func nothingWithoutAURL() async throws {
        // The shell's parent is procsh: (the number of its threads, what its fd 2 is).
        func threadsAndStandardError(_ options: [String]) async throws -> (String, String) {
            let r = try await Self.procsh(options + ["-e", "os.execute('ls /proc/$PPID/task | wc -l; readlink /proc/$PPID/fd/2')"])
            let lines = r.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            try #require(r.termination == .exit(0) && lines.count == 2, "\(r)")
            return (lines[0], lines[1])
        }
        let plain = try await threadsAndStandardError([])
        #expect(plain.0 == "1", "one thread: \(plain)")
        let server = try PingServer()
        let pinged = try await threadsAndStandardError(["--ping-url", server.url()])
        #expect(pinged.1 != plain.1 && pinged.1.hasPrefix("pipe:"), "with pings, fd 2 is the tee's pipe: \(pinged) \(plain)")
    }

    @Test("--help and --version send nothing")
    func helpSendsNothing() async throws {
        let server = try PingServer()
        for option in ["--help", "--version"] {
            let r = try await Self.procsh(["--ping-url", server.url(), option])
            #expect(r.termination == .exit(0), "\(r)")
        }
        #expect(server.pings.isEmpty, "\(server.pings)")
    }
}
