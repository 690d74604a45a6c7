import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// The paths a router serves, and their methods.
final class KnownRoutes: Sendable {
    struct Route {
        /// The path's segments; `{name}` and `*` stand for any one segment.
        var segments: [String]
        var methods: [HTTPRequest.Method]
        var template: String { "/" + segments.joined(separator: "/") }

        func matches(_ path: [Substring]) -> Bool {
            segments.count == path.count
                && zip(segments, path).allSatisfy { template, segment in
                    template.hasPrefix("{") || template == "*" || template == segment
                }
        }
    }

    private let routes = Mutex<[Route]>([])

    /// Reads `router`'s routes (call it after every route is added).
    func learn<Context>(from router: Router<Context>) {
        var found: [Route] = []
        for route in router.routes {
            let segments = route.path.components.map(\.description)
            if let i = found.firstIndex(where: { $0.segments == segments }) {
                found[i].methods.append(route.method)
            } else {
                found.append(Route(segments: segments, methods: [route.method]))
            }
        }
        routes.withLock { $0 = found }
    }

    /// The 405 or 404 for `method path`.
    func answer(method: HTTPRequest.Method, path: String) -> Response {
        let segments = path.split(separator: "/")
        let known = routes.withLock { $0 }
        var error: SandboxError
        if let allowed = known.first(where: { $0.matches(segments) })?.methods {
            let names = allowed.map(\.rawValue).joined(separator: ", ")
            error = SandboxError(405, code: "405", message: "\(method.rawValue) is not allowed on \(path); allowed: \(names)")
            error.headers[.allow] = names
        } else {
            let api = known.map(\.template).filter { !$0.hasPrefix("/_sandbox") }.sorted()
            error = .notFound("no such path: \(path); the API's paths are \(api.joined(separator: ", "))")
        }
        var headers = HTTPFields(error.headers)
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(
            status: .init(code: error.status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: error.body)))
    }
}
