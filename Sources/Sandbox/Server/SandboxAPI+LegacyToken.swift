import OpenAPIRuntime
import ProcessesAPI

extension SandboxAPI {
    /// `POST /iam/v1/oauth2/token`, the 2022-01-01 token path (deprecated,
    /// served until 2029): the request of ``requestToken(_:)``, answered by it.
    func requestTokenLegacy(_ input: Operations.RequestTokenLegacy.Input) async throws -> Operations.RequestTokenLegacy.Output {
        guard case .urlEncodedForm(let form) = input.body else {
            throw SandboxError.oauth(400, "invalid_request", "the body must be application/x-www-form-urlencoded")
        }
        let output = try await requestToken(.init(headers: .init(xVersion: input.headers.xVersion), body: .urlEncodedForm(form)))
        guard case .ok(let ok) = output else { throw SandboxError(500, code: "500", message: "unknown error") }
        return .ok(.init(body: .json(try ok.body.json)))
    }
}
