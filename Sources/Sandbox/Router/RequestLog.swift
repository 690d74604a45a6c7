import Foundation
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
