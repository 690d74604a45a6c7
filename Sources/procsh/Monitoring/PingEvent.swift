import Foundation

/// One ping of a run, in healthchecks.io's convention: the check's URL with
/// the event's path after it, and the run id as `rid` (so that the pings of
/// overlapping runs pair up).
enum PingEvent: Sendable, Equatable {
    /// `URL/start`: the run has started (the monitor times it from here).
    case start
    /// `URL`: the run ended with exit status 0.
    case success
    /// `URL/STATUS`: the run ended with this exit status (1 to 255).
    case failure(Int32)
    /// `URL/log`: noted, neither a success nor a failure: a run that did
    /// not start because another run held its lock.
    case log

    /// The end of a run that exits with `status`, as the shell sees it (0 to 255).
    init(exitStatus status: Int32) {
        let shown = status & 0xFF
        self = shown == 0 ? .success : .failure(shown)
    }

    /// What messages call it.
    var name: String {
        switch self {
        case .start: "start"
        case .success: "success"
        case .failure: "failure"
        case .log: "log"
        }
    }

    /// The path after the check's URL.
    var path: String {
        switch self {
        case .start: "/start"
        case .success: ""
        case .failure(let status): "/\(status)"
        case .log: "/log"
        }
    }

    /// The URL to ping: `check` (a trailing `/` dropped, its query kept) with
    /// ``path`` after it and `rid=runID` in its query.
    func url(_ check: URL, runID: String) -> URL {
        guard var parts = URLComponents(url: check, resolvingAgainstBaseURL: false) else { return check }
        var base = parts.percentEncodedPath
        while base.hasSuffix("/") { base.removeLast() }
        parts.percentEncodedPath = base + path
        parts.queryItems = (parts.queryItems ?? []).filter { $0.name != "rid" } + [URLQueryItem(name: "rid", value: runID)]
        parts.fragment = nil
        return parts.url ?? check
    }
}
