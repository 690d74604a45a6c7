import Foundation
import Hummingbird
import Logging

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
