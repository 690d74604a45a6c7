import AsyncHTTPClient
import Dispatch
import Foundation
import Logging
import NIOCore
import ProcessesAPI
import Synchronization

/// `--ping-url`: a health check told when a run starts and how it ends, in
/// healthchecks.io's convention (``PingEvent``; docs/cron.md, "Monitoring").
/// The final ping's body is the last ``bodyLimit`` bytes of the run's
/// standard error, secrets masked (``Redaction``).
///
/// A ping never changes the run's exit status and never holds it up for
/// long: the start ping goes in the background while the run goes on, and
/// each ping, its one retry included, gives up after ``budget`` seconds. A
/// ping that fails is a warning. Nothing is set up for a run without a ping
/// URL: this object, its HTTP client and the tee exist only with one.
final class HealthPings: @unchecked Sendable {
    /// Seconds one ping may take, from its first attempt to the end of its last.
    static let budget = 3.0
    /// The most bytes of standard error a final ping carries.
    static let bodyLimit = 10 * 1024

    let check: URL
    let runID: String
    /// How warnings are written (the settings may turn it to JSON later).
    var diagnostics: Diagnostics
    /// What a body must not show (the settings fill it in later).
    var redaction: Redaction
    private let tail = StandardErrorTail()
    private let client: HTTPClient
    /// Signalled when the start ping is done, if one was sent.
    private var started: DispatchSemaphore?
    /// False when the run did not start (the lock was held): its end is noted, not judged.
    private var ran = true

    init(check: URL, runID: String?, diagnostics: Diagnostics, redaction: Redaction) {
        self.check = check
        self.runID = runID ?? UUID().uuidString.lowercased()
        self.diagnostics = diagnostics
        self.redaction = redaction
        var configuration = HTTPClient.Configuration()
        let budget = TimeAmount.milliseconds(Int64(Self.budget * 1000))
        configuration.timeout = .init(connect: budget, read: budget)
        configuration.redirectConfiguration = .disallow
        // A refused connection fails at once; the ping's own retry decides.
        configuration.connectionPool.retryConnectionEstablishment = false
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// The run starts: `URL/start`, in the background.
    func start() {
        guard started == nil else { return }
        let done = DispatchSemaphore(value: 0)
        started = done
        Task.detached { [self] in
            await deliver(.start, body: nil)
            done.signal()
        }
    }

    /// The run will not run (another run holds its lock): its end is a log
    /// ping, which the monitor notes without calling it a failure.
    func didNotRun() {
        ran = false
    }

    /// Stops keeping standard error and returns what was kept: before
    /// ``OutputHold/finish(status:)`` lets a held output go.
    func stopKeeping() -> [UInt8] {
        tail.finish()
    }

    /// The run ended with `status`: waits for the start ping, then sends the
    /// last one (`URL`, `URL/STATUS`, or `URL/log`) with `kept` as its body.
    func end(status: Int32, kept: [UInt8]) {
        _ = started?.wait(timeout: .now() + Self.budget + 1)
        let event = ran ? PingEvent(exitStatus: status) : .log
        let body = Self.body(kept, redaction: redaction)
        let done = DispatchSemaphore(value: 0)
        Task.detached { [self] in
            await deliver(event, body: body, exitStatus: ran ? status & 0xFF : nil)
            done.signal()
        }
        _ = done.wait(timeout: .now() + Self.budget + 1)  // the ping's own deadline ends it first
        client.shutdown { _ in }
    }

    /// The body of a final ping: the end of `kept`, masked, at most
    /// ``bodyLimit`` bytes of UTF-8 (whole characters: monitors keep a body
    /// only if it reads as UTF-8).
    static func body(_ kept: [UInt8], redaction: Redaction) -> [UInt8] {
        var bytes = Array(redaction.apply(String(decoding: kept, as: UTF8.self)).utf8.suffix(bodyLimit))
        while let first = bytes.first, first & 0xC0 == 0x80 { bytes.removeFirst() }
        return bytes
    }

    /// Sends one ping; a failure is a warning that names the URL and why.
    private func deliver(_ event: PingEvent, body: [UInt8]?, exitStatus: Int32? = nil) async {
        let url = event.url(check, runID: runID)
        guard let reason = await send(url, body: body) else { return }
        let consequence = event == .start ? "; the run goes on" : exitStatus.map { "; the exit status stays \($0)" } ?? ""
        diagnostics.warning(
            "ping \(Redaction.shown(url)) failed: \(reason)\(consequence)",
            metadata: ["url": .string(Redaction.shown(url)), "event": .string(event.name), "runId": .string(runID)])
    }

    /// `url` without its `user:password@`, which goes in a header instead.
    static func withoutCredentials(_ url: URL) -> URL {
        guard var parts = URLComponents(url: url, resolvingAgainstBaseURL: false), parts.user != nil else { return url }
        parts.user = nil
        parts.password = nil
        return parts.url ?? url
    }

    /// GET `url` (POST with `body`), once more if the first attempt failed
    /// in a way another may not and time is left. Nil when the monitor
    /// answered 2xx, else why not.
    private func send(_ url: URL, body: [UInt8]?) async -> String? {
        let deadline = NIODeadline.now() + .milliseconds(Int64(Self.budget * 1000))
        var request = HTTPClientRequest(url: Self.withoutCredentials(url).absoluteString)
        request.headers.add(name: "User-Agent", value: "procsh/\(APIVersion.procsh)")
        if let credentials = Redaction.basicCredentials(of: url) {  // a monitor behind HTTP Basic authentication
            request.headers.add(name: "Authorization", value: "Basic \(credentials)")
        }
        if let body {
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        var reason = ""
        for attempt in 1...2 {
            let again: Bool
            do {
                let response = try await client.execute(request, deadline: deadline)
                _ = try? await response.body.collect(upTo: 64 * 1024)
                if (200..<300).contains(response.status.code) { return nil }
                reason = "the server answered \(response.status.code) \(response.status.reasonPhrase)"
                again = response.status.code >= 500 || response.status.code == 429
            } catch {
                if NIODeadline.now() >= deadline {
                    return "no answer within \(Seconds.text(Self.budget))"
                }
                reason = TransportFailure.classify(error).description
                again = true
            }
            let left = deadline - NIODeadline.now()
            guard again, attempt == 1, left > .milliseconds(1000) else { break }
            try? await Task.sleep(for: .milliseconds(250))
        }
        return reason
    }
}
