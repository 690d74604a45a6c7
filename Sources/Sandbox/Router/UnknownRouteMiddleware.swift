import Hummingbird

/// Answers a request that no route takes with the API's error document
/// instead of a bare 404: 405 with `Allow` when the path exists for other
/// methods, 404 naming the paths there are otherwise. The routes are the
/// router's own (openapi.yaml's operations and the admin endpoints), read
/// once they are all registered (``KnownRoutes/learn(from:)``).
struct UnknownRouteMiddleware<Context: RequestContext>: RouterMiddleware {
    let routes: KnownRoutes

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            return routes.answer(method: request.method, path: request.uri.path)
        }
    }
}
