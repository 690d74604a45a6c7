import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Synchronization

/// The last requests the sandbox answered (for `GET /_sandbox/requests`), and
/// one log line per request.
final class RequestLog: Sendable {
    struct Entry: Codable, Sendable {
        var time: Date
        var method: String
        var path: String
        var status: Int
        var milliseconds: Double
    }

    static let capacity = 1000
    /// A ring: `items` fills up to `capacity`, then `next` overwrites the oldest.
    private let entries = Mutex<(items: [Entry], next: Int, total: Int)>(([], 0, 0))

    func record(_ entry: Entry) {
        entries.withLock { e in
            e.total += 1
            if e.items.count < Self.capacity {
                e.items.append(entry)
            } else {
                e.items[e.next] = entry
                e.next = (e.next + 1) % Self.capacity
            }
        }
    }

    /// Oldest first.
    var recent: [Entry] { entries.withLock { Array($0.items[$0.next...] + $0.items[..<$0.next]) } }
    var total: Int { entries.withLock { $0.total } }

    func clear() {
        entries.withLock {
            $0.items = []
            $0.next = 0
        }
    }
}

/// Records and logs every request with its status and duration.
struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let log: RequestLog
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response: Response
        do {
            response = try await next(request, context)
        } catch let error as HTTPResponseError {
            record(request, status: Int(error.status.code), since: start)
            throw error
        }
        record(request, status: Int(response.status.code), since: start)
        return response
    }

    private func record(_ request: Request, status: Int, since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        let path = request.uri.path
        log.record(.init(time: Date(), method: request.method.rawValue, path: path, status: status, milliseconds: (ms * 100).rounded() / 100))
        logger.info("\(request.method.rawValue) \(request.uri.description) \(status) \(String(format: "%.1f", ms)) ms")
    }
}
