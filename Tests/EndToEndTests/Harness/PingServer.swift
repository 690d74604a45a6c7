import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A health-check monitor on 127.0.0.1 (a free port) for the tests: it
/// records each request it gets (method, path, query, headers, body) and
/// answers it with `status` (200 OK unless told), or, made with
/// `answering: false`, records it and never answers. It stops when the test
/// drops it.
final class PingServer: @unchecked Sendable {
    /// One request as the monitor got it.
    struct Ping: Sendable, CustomStringConvertible {
        var method: String
        var path: String
        var query: [String: String]
        var headers: [String: String]
        var body: String

        var description: String { "\(method) \(path) \(query) (\(body.utf8.count) bytes: \(body.prefix(200).debugDescription))" }
    }

    let port: UInt16
    let answering: Bool
    let status: Int
    private let listener: Int32
    private let lock = NSLock()
    private var recorded: [Ping] = []
    /// Connections left open (a server that never answers), closed at the end.
    private var open: [Int32] = []

    /// `http://127.0.0.1:PORT/` followed by `path`.
    func url(_ path: String = "/ping/check") -> String { "http://127.0.0.1:\(port)\(path)" }

    init(answering: Bool = true, status: Int = 200) throws {
        self.answering = answering
        self.status = status
        let (fd, port) = try Self.listen()
        listener = fd
        self.port = port
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    deinit {
        shutdown(listener, Int32(SHUT_RDWR))  // wakes the accept
        close(listener)
        lock.withLock { for fd in open { close(fd) } }
    }

    /// The requests so far, in the order they came.
    var pings: [Ping] { lock.withLock { recorded } }

    /// Waits until `count` requests came (or `timeout` seconds passed); all so far.
    func waitForPings(_ count: Int, timeout: Double = 10) async -> [Ping] {
        let deadline = Date().addingTimeInterval(timeout)
        while pings.count < count && Date() < deadline {
            try? await Task.sleep(nanoseconds: 10_000_000)
        }
        return pings
    }

    /// A loopback port nothing listens on: bound, then closed.
    static func closedPort() throws -> UInt16 {
        let (fd, port) = try listen()
        close(fd)
        return port
    }

    private static func listen() throws -> (Int32, UInt16) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, Glibc.listen(fd, 64) == 0 else {
            close(fd)
            throw HarnessError("bind/listen on 127.0.0.1: \(String(cString: strerror(errno)))")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return (fd, UInt16(bigEndian: address.sin_port))
    }

    private func acceptLoop() {
        while true {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else {
                if errno == EINTR { continue }
                return  // the listener was shut down
            }
            Thread.detachNewThread { [self] in serve(connection) }
        }
    }

    /// Reads one request, records it, and answers it (or keeps it waiting).
    private func serve(_ connection: Int32) {
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65536)
        var headerEnd: Int?
        var expected = 0
        while headerEnd == nil || data.count < headerEnd! + expected {
            let n = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { break }
            data.append(contentsOf: buffer[0..<n])
            if headerEnd == nil, let end = Self.find([13, 10, 13, 10], in: data) {
                headerEnd = end + 4
                let head = String(decoding: data[0..<end], as: UTF8.self)
                expected = Self.headers(head)["content-length"].flatMap { Int($0) } ?? 0
            }
        }
        guard let headerEnd else {
            close(connection)
            return
        }
        let head = String(decoding: data[0..<headerEnd - 4], as: UTF8.self)
        let requestLine = head.split(separator: "\r\n", maxSplits: 1).first.map(String.init) ?? ""
        let words = requestLine.split(separator: " ").map(String.init)
        let target = words.count > 1 ? words[1] : ""
        let parts = URLComponents(string: target)
        var query: [String: String] = [:]
        for item in parts?.queryItems ?? [] { query[item.name] = item.value ?? "" }
        let ping = Ping(
            method: words.first ?? "", path: parts?.path ?? target, query: query, headers: Self.headers(head),
            body: String(decoding: data[headerEnd...], as: UTF8.self))
        lock.withLock { recorded.append(ping) }
        guard answering else {
            lock.withLock { open.append(connection) }
            return
        }
        let text = status == 200 ? "OK" : "refused"
        let answer = Array("HTTP/1.1 \(status) \(text)\r\nContent-Type: text/plain\r\nContent-Length: \(text.utf8.count)\r\nConnection: close\r\n\r\n\(text)".utf8)
        _ = answer.withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        close(connection)
    }

    private static func headers(_ head: String) -> [String: String] {
        var fields: [String: String] = [:]
        for line in head.split(separator: "\r\n").dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return fields
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for i in 0...(haystack.count - needle.count) where haystack[i..<i + needle.count].elementsEqual(needle) { return i }
        return nil
    }
}
