import AsyncHTTPClient
import NIOCore
import NIOPosix
import OpenAPIRuntime

#if canImport(Glibc)
import Glibc
#endif

/// What a network failure means for the request: whether the server can have
/// seen it. Only a request that was provably not sent may be sent again as is.
public enum TransportFailure: Error, Sendable, CustomStringConvertible {
    /// The request never left: no connection (refused, unreachable, connect timeout).
    case notSent(String)
    /// The request may have reached the server: the connection broke after sending.
    case outcomeUnknown(String)
    /// No complete answer within the request timeout, after the request was sent.
    case timedOut(String)
    /// The server answered with `status`, then the connection broke before the
    /// body was complete. A 2xx status says the server did the work; only its
    /// answer is lost.
    case answerCut(status: Int, String)

    public var description: String {
        switch self {
        case .notSent(let why), .outcomeUnknown(let why), .timedOut(let why), .answerCut(_, let why): return why
        }
    }

    /// Reads an error of the HTTP stack (AsyncHTTPClient, SwiftNIO).
    public static func classify(_ error: any Error) -> TransportFailure {
        let error = unwrapClientError(error)
        if let failure = error as? TransportFailure { return failure }
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout, .getConnectionFromPoolTimeout, .tlsHandshakeTimeout, .socksHandshakeTimeout,
                .httpProxyHandshakeTimeout, .alreadyShutdown, .invalidURL, .emptyHost, .emptyScheme:
                return .notSent("could not connect (\(error))")
            case .deadlineExceeded, .readTimeout, .writeTimeout:
                return .timedOut("no complete answer in time (\(error))")
            case .remoteConnectionClosed:
                return .outcomeUnknown("the connection was closed before the answer was complete")
            default:
                return .outcomeUnknown("the request failed mid-way (\(error))")
            }
        }
        if error is NIOConnectionError {
            return .notSent("could not connect (\(error))")
        }
        if let error = error as? ChannelError, case .connectTimeout = error {
            return .notSent("could not connect: connect timeout")
        }
        if let error = error as? IOError,
            [ECONNREFUSED, ENETUNREACH, EHOSTUNREACH, EADDRNOTAVAIL].contains(error.errnoCode)
        {
            return .notSent("could not connect: \(String(cString: strerror(error.errnoCode)).lowercased())")
        }
        if let error = error as? IOError, [ECONNRESET, EPIPE].contains(error.errnoCode) {
            return .outcomeUnknown("the connection was reset: \(String(cString: strerror(error.errnoCode)).lowercased())")
        }
        return .outcomeUnknown("the request failed (\(error))")
    }
}
