import HTTPTypes
import Hummingbird
import NIOCore

/// Answers a request that no route takes with the API's error document
/// instead of a bare 404: 405 with `Allow` when the path exists for other
/// methods, 404 naming the paths there are otherwise.
struct UnknownRouteMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The sandbox's paths (`*`: one segment) and their methods, as openapi.yaml and the admin routes define them.
    static var routes: [(path: [Substring], methods: [HTTPRequest.Method])] {
        [
            (["oauth2", "token"], [.post]), (["iam", "v1", "oauth2", "token"], [.post]), (["processes"], [.get, .post]), (["processes", "*"], [.get]),
            (["processes", "*", "run"], [.post]), (["processRuns", "*"], [.get]), (["processRuns", "*", "jobRuns"], [.post]),
            (["_sandbox", "reset"], [.post]), (["_sandbox", "state"], [.get]), (["_sandbox", "requests"], [.get]),
            (["_sandbox", "stats"], [.get]),
        ]
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            return Self.answer(method: request.method, path: request.uri.path)
        }
    }

    static func answer(method: HTTPRequest.Method, path: String) -> Response {
        let segments = path.split(separator: "/")
        let matching = routes.first { route in
            route.path.count == segments.count && zip(route.path, segments).allSatisfy { $0 == "*" || $0 == $1 }
        }
        var error: SandboxError
        if let allowed = matching?.methods {
            let names = allowed.map(\.rawValue).joined(separator: ", ")
            error = SandboxError(405, code: "405", message: "\(method.rawValue) is not allowed on \(path); allowed: \(names)")
            error.headers[.allow] = names
        } else {
            error = .notFound(
                "no such path: \(path); the API's paths are /processes, /processes/{processId}, /processes/{processId}/run, /processRuns/{processRunId}, /processRuns/{processRunId}/jobRuns, /oauth2/token (and /iam/v1/oauth2/token)")
        }
        var headers = HTTPFields(error.headers)
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(
            status: .init(code: error.status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: error.body)))
    }
}
