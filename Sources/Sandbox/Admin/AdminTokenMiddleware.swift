import HTTPTypes
import Hummingbird

/// The admin endpoints' guard: `Authorization: Bearer <admin token>`, or 401.
struct AdminTokenMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let authorization = request.headers[.authorization] ?? ""
        let given = authorization.lowercased().hasPrefix("bearer ") ? String(authorization.dropFirst(7).trimmingOptionalWhitespace) : nil
        guard let given, Self.same(given, token) else {
            var error = SandboxError(
                401, code: "Unauthorized",
                message: "the /_sandbox/ endpoints need the admin token: send Authorization: Bearer <token> (the token procsh sandbox serve printed, or the one given with --admin-token)")
            error.headers[.wwwAuthenticate] = "Bearer"
            return SandboxServer.errorResponse(error)
        }
        return try await next(request, context)
    }

    /// Compares in time that does not depend on where the strings differ.
    static func same(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
