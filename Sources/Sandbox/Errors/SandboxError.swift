import Foundation
import HTTPTypes
import JSON

/// An error answer of the sandbox, in the API's error shape:
/// `{"code", "message", "target", "meta"}` (or the OAuth shape for the token endpoint).
public struct SandboxError: Error, Sendable, Equatable {
    public var status: Int
    public var code: String
    public var message: String
    public var target: String?
    public var meta: [String: JSONValue]?
    public var headers: HTTPFields = [:]
    /// Rendered as `{error, error_description}` (the token endpoint).
    public var oauth = false

    public init(_ status: Int, code: String, message: String, target: String? = nil, meta: [String: JSONValue]? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.target = target
        self.meta = meta
    }

    /// The body, as JSON bytes.
    var body: [UInt8] {
        var object: [String: JSONValue]
        if oauth {
            object = ["error": .string(code), "error_description": .string(message)]
        } else {
            object = ["code": .string(code), "message": .string(message)]
            if let target { object["target"] = .string(target) }
            if let meta { object["meta"] = .object(meta) }
        }
        return (try? Array(JSONEncoder.sandbox.encode(JSONValue.object(object)))) ?? Array("{}".utf8)
    }

    // MARK: The documented answers

    static let unauthorized = SandboxError(401, code: "Unauthorized", message: "Bad credentials")
    static let forbidden = SandboxError(403, code: "403", message: "Forbidden")

    static func notFound(_ message: String, target: String? = nil) -> SandboxError {
        SandboxError(404, code: "404", message: message, target: target)
    }

    static func conflict(_ message: String, target: String? = nil) -> SandboxError {
        SandboxError(409, code: "409", message: message, target: target)
    }

    static func invalid(_ code: String, _ message: String, target: String?, meta: [String: JSONValue]? = nil) -> SandboxError {
        SandboxError(400, code: code, message: message, target: target, meta: meta)
    }

    static func oauth(_ status: Int, _ error: String, _ description: String) -> SandboxError {
        var e = SandboxError(status, code: error, message: description)
        e.oauth = true
        return e
    }
}
