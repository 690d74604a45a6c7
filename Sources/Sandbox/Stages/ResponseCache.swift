import HTTPTypes
import Synchronization

/// Answers by request target, each valid at one store revision.
final class ResponseCache: Sendable {
    struct Answer: Sendable {
        let revision: UInt64
        let response: HTTPResponse
        let body: [UInt8]
    }

    /// Answers kept at most (runs read with their queries); more starts afresh.
    static let capacity = 64
    private let answers = Mutex<[String: Answer]>([:])

    func answer(for key: String, at revision: UInt64) -> Answer? {
        answers.withLock { all in
            guard let answer = all[key], answer.revision == revision else { return nil }
            return answer
        }
    }

    func removeAll() {
        answers.withLock { $0.removeAll() }
    }

    func keep(_ answer: Answer, for key: String) {
        answers.withLock { all in
            if all.count >= Self.capacity { all.removeAll(keepingCapacity: true) }
            all[key] = answer
        }
    }
}
