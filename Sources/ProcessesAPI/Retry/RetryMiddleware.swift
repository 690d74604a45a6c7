import Foundation
import HTTPTypes
import Logging
import OpenAPIRuntime

/// The outermost stage: sends each attempt, decides from the answer whether to
/// send again (``RetryPolicy``), logs one line per attempt, and turns the final
/// error answer or network failure into a ``ProcessesAPIError``. What comes out
/// is a success, or that error.
struct RetryMiddleware: ClientMiddleware {
    let policy: RetryPolicy
    let clock: ClientClock
    let logger: Logger
    var inFlight: RequestsInFlight? = nil

    /// The longest path and query sent. Servers and proxies commonly refuse
    /// longer request lines (8 KB), and some close the connection on them
    /// before reading the body, which AsyncHTTPClient does not survive.
    static let maximumTargetBytes = 8192

    /// Statuses that mean the server did not act on the request.
    static let notProcessed: Set<Int> = [429, 503]
    /// Statuses worth another try for a read.
    static let transientForReads: Set<Int> = [500, 502, 504]

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        let body = try await replayable(body)
        let summary = ProcessesAPIError.Request(
            method: request.method.rawValue, path: String((request.path ?? "/").prefix { $0 != "?" }))
        let isRead = APIOperation.named(operationID)?.isSafeToRepeat ?? (request.method == .get || request.method == .head)
        let target = request.path ?? "/"
        guard target.utf8.count <= Self.maximumTargetBytes else {
            throw ProcessesAPIError(
                kind: .usage, code: ProcessesAPIError.requestTooLong,
                message: "the request's path and query are \(target.utf8.count) bytes long; servers refuse more than \(Self.maximumTargetBytes) (check the ids given)",
                request: summary, hint: "nothing was sent")
        }
        inFlight?.enter(summary)
        defer { inFlight?.leave(summary) }
        var attempt = 0
        while true {
            attempt += 1
            let started = clock.now()
            let answer: (HTTPResponse, HTTPBody?)
            do {
                answer = try await next(request, body, baseURL)
            } catch {
                // The runtime wraps what inner stages and the transport throw.
                let error = unwrapClientError(error)
                if var error = error as? ProcessesAPIError {
                    error.request = error.request ?? summary
                    error.attempts = max(error.attempts, attempt)
                    throw error
                }
                if error is CancellationError { throw error }
                let failure = TransportFailure.classify(error)
                let resend: Bool
                switch failure {
                case .notSent: resend = true
                case .outcomeUnknown, .timedOut, .answerCut: resend = isRead
                }
                if resend && attempt < policy.maximumAttempts {
                    let delay = clock.random(policy.backoffCeiling(retry: attempt))
                    log(summary, attempt: attempt, started: started, outcome: "\(failure)", decision: "retrying in \(seconds(delay))")
                    try await clock.sleep(delay)
                    continue
                }
                log(summary, attempt: attempt, started: started, outcome: "\(failure)", decision: "giving up")
                throw Self.error(for: failure, request: summary, isRead: isRead, attempts: attempt)
            }

            let (response, responseBody) = answer
            let status = response.status.code
            if (200..<300).contains(status) {
                log(summary, attempt: attempt, started: started, outcome: "\(status)", decision: nil)
                return answer
            }
            let retryAfter = response.headerFields[.retryAfter].flatMap { RetryAfter.seconds($0, now: clock.wallNow()) }
            let notProcessed = Self.notProcessed.contains(status)
            let retryableStatus = notProcessed || (isRead && Self.transientForReads.contains(status))
            let waitTooLong = (retryAfter ?? 0) > policy.maximumRetryAfter
            if retryableStatus && attempt < policy.maximumAttempts && !waitTooLong {
                let delay = retryAfter ?? clock.random(policy.backoffCeiling(retry: attempt))
                log(summary, attempt: attempt, started: started, outcome: "\(status)", decision: "retrying in \(seconds(delay))")
                try await clock.sleep(delay)
                continue
            }
            log(summary, attempt: attempt, started: started, outcome: "\(status)", decision: retryableStatus ? "giving up" : nil)
            var bytes: [UInt8] = []
            if let responseBody { bytes = try await [UInt8](collecting: responseBody, upTo: .max) }
            var hint: String?
            if retryableStatus && waitTooLong {
                hint = "the server asked to wait \(seconds(retryAfter!)), longer than the \(seconds(policy.maximumRetryAfter)) allowed; try again later"
            } else if retryableStatus {
                hint = "still failing after \(attempt) attempts"
            } else if !isRead && status >= 500 {
                hint = Self.unknownOutcomeHint
            }
            throw ErrorDecoder.error(
                status: status, body: bytes, operationID: operationID, request: summary, retryAfter: retryAfter,
                retryable: retryableStatus, attempts: attempt, hint: hint, location: response.headerFields[.location])
        }
    }

    /// Why a write whose outcome is unknown is not sent again.
    static let unknownOutcomeHint = ProcessesAPIError.unknownOutcomeHint
}

extension RetryMiddleware {
    /// The error for a network failure, once no more attempts are made.
    static func error(for failure: TransportFailure, request: ProcessesAPIError.Request, isRead: Bool, attempts: Int) -> ProcessesAPIError {
        switch failure {
        case .notSent(let why):
            return ProcessesAPIError(
                kind: .transport, message: why, retryable: true, request: request, attempts: attempts,
                hint: "the request was not sent; still failing after \(attempts) attempts")
        case .outcomeUnknown(let why):
            return ProcessesAPIError(
                kind: .transport, message: why, retryable: isRead, request: request, attempts: attempts,
                hint: isRead ? "still failing after \(attempts) attempts" : unknownOutcomeHint)
        case .timedOut(let why):
            return ProcessesAPIError(
                kind: .timeout, message: why, retryable: isRead, request: request, attempts: attempts,
                hint: isRead ? "still failing after \(attempts) attempts" : unknownOutcomeHint)
        case .answerCut(let status, let why):
            let done = (200..<300).contains(status)
            return ProcessesAPIError(
                kind: .transport, status: status, code: "answerCut", message: why, retryable: isRead, request: request,
                attempts: attempts,
                hint: isRead
                    ? "still failing after \(attempts) attempts"
                    : done ? "the server said it did the work (HTTP \(status)), but its answer was lost; it was not sent again" : unknownOutcomeHint)
        }
    }

    /// One line per attempt at debug: method, path, outcome, duration, attempt, decision.
    private func log(_ request: ProcessesAPIError.Request, attempt: Int, started: Double, outcome: String, decision: String?) {
        let milliseconds = Int(((clock.now() - started) * 1000).rounded())
        var metadata: Logger.Metadata = [
            "method": "\(request.method)", "path": "\(request.path)", "outcome": "\(outcome)",
            "ms": "\(milliseconds)", "attempt": "\(attempt)",
        ]
        if let decision { metadata["decision"] = "\(decision)" }
        logger.debug("\(request.method) \(request.path) -> \(outcome) in \(milliseconds) ms (attempt \(attempt))\(decision.map { "; \($0)" } ?? "")", metadata: metadata)
    }

    /// "0.50 s", "12 s": waits and timeouts in messages.
    static func seconds(_ s: Double) -> String {
        s < 10 ? String(format: "%.2f s", s) : String(format: "%.0f s", s)
    }

    private func seconds(_ s: Double) -> String { Self.seconds(s) }
}
