import Foundation
import JSON

/// Turns an error answer into a ``ProcessesAPIError``, whatever its body: the
/// API's error document, the OAuth error shape of the token endpoint, or
/// anything else (HTML, empty, truncated), quoted.
enum ErrorDecoder {
    static func error(
        status: Int, body: [UInt8], operationID: String, request: ProcessesAPIError.Request,
        retryAfter: Double?, retryable: Bool, attempts: Int, hint: String?, location: String? = nil
    ) -> ProcessesAPIError {
        let isToken = APIOperation.isTokenRequest(operationID)
        if (300..<400).contains(status) {
            // Redirects are never followed: credentials go to the configured API only.
            return ProcessesAPIError(
                kind: .transport, status: status, code: "redirect",
                message: "the API answered HTTP \(status), a redirect to \(location.map { "'\($0)'" } ?? "nowhere (no Location)"); it was not followed, so credentials stay with the configured API",
                retryable: false, request: request, attempts: attempts,
                hint: "check the base URL (--base-url, --region): it should be the API's own address")
        }
        var error = ProcessesAPIError(
            kind: isToken || status == 401 || status == 403 ? .auth : .api,
            status: status,
            message: "",
            retryAfter: retryAfter, retryable: retryable, request: request, attempts: attempts, hint: hint)
        let document = try? JSONDecoder().decode(JSONValue.self, from: Data(body))
        if let code = document?["code"]?.stringValue ?? document?["code"]?.integerValue.map(String.init) {
            error.code = code
            error.message = document?["message"]?.stringValue ?? "HTTP \(status)"
            error.target = document?["target"]?.stringValue
            error.documentationUrl = document?["documentationUrl"]?.stringValue
            if let meta = document?["meta"], meta != .null { error.meta = meta }
            error.details = (document?["details"]?.arrayValue ?? []).map {
                .init(code: $0["code"]?.stringValue, message: $0["message"]?.stringValue, target: $0["target"]?.stringValue)
            }
        } else if let oauth = document?["error"]?.stringValue {
            error.code = oauth
            error.message = document?["error_description"]?.stringValue ?? "the token request was refused (\(oauth))"
            error.documentationUrl = document?["error_uri"]?.stringValue
        } else {
            error.message = "HTTP \(status) with \(describe(body))"
        }
        if isToken {
            error.hint = hint ?? (error.code == "invalid_scope"
                ? "the client may not have a scope it asked for; ask for fewer (WORKIVA_SCOPE, or scope in the config file), or set none to get the client's own"
                : "check the client id and secret (WORKIVA_CLIENT_ID, WORKIVA_CLIENT_SECRET)")
        } else if status == 403 {
            error.hint = hint ?? "the client lacks the scope this call needs (file:read to read, file:write to change)"
        }
        return error
    }

    /// "an empty body", or "a body that is not an error document: <first bytes>".
    static func describe(_ body: [UInt8]) -> String {
        if body.isEmpty { return "an empty body" }
        return "a body that is not an error document: \(quote(body))"
    }

    /// "an empty body", or "the body: <first bytes>".
    static func describeAnswer(_ body: [UInt8]) -> String {
        body.isEmpty ? "an empty body" : "the body: \(quote(body))"
    }

    /// The first 200 bytes as printable text, marked when cut.
    static func quote(_ body: [UInt8], limit: Int = 200) -> String {
        let head = String(decoding: body.prefix(limit), as: UTF8.self)
        let printable = String(head.unicodeScalars.map { $0.properties.isWhitespace ? " " : ($0.value < 0x20 ? "?" : Character($0)) })
        return "'\(printable)'" + (body.count > limit ? " ... (\(body.count) bytes)" : "")
    }
}
