import Synchronization

/// The requests a client is waiting on, innermost last (an API call waiting
/// for its token shows the token request). Whoever stops a waiting call from
/// outside (Ctrl-C, a run's time limit) names the request with it.
final class RequestsInFlight: Sendable {
    private let requests = Mutex<[ProcessesAPIError.Request]>([])

    /// The request waited on now, if any.
    var innermost: ProcessesAPIError.Request? { requests.withLock { $0.last } }

    func enter(_ request: ProcessesAPIError.Request) {
        requests.withLock { $0.append(request) }
    }

    func leave(_ request: ProcessesAPIError.Request) {
        requests.withLock { all in
            if let i = all.lastIndex(of: request) { all.remove(at: i) }
        }
    }
}
