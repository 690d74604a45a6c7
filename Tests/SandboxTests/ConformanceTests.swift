import Foundation
import JSON
import ProcessesAPI
import Testing

@testable import Sandbox

/// Answers that openapi.yaml and docs/sandbox.md promise beyond the happy
/// path, found by fuzzing the sandbox from its own openapi.yaml.
@Suite("Conformance")
struct ConformanceTests {
    @Test("a path with another method is 405 with Allow; an unknown path is 404; both in the error shape")
    func unknownRoutes() async throws {
        try await Fixture.with { f in
            let wrongMethod = try await f.raw("DELETE", "/processes")
            #expect(wrongMethod.status == 405)
            #expect(wrongMethod.headers["Allow"].first == "GET, POST")
            #expect(wrongMethod.json?["code"] == "405")
            #expect(wrongMethod.json?["message"]?.stringValue?.contains("DELETE is not allowed on /processes") == true)
            let nested = try await f.raw("PUT", "/processRuns/demo-run/jobRuns", body: "[]")
            #expect(nested.status == 405 && nested.headers["Allow"].first == "POST")
            let unknown = try await f.raw("GET", "/nothing/here")
            #expect(unknown.status == 404)
            #expect(unknown.json?["message"]?.stringValue?.hasPrefix("no such path: /nothing/here") == true)
            #expect(unknown.headers["Content-Type"].first?.hasPrefix("application/json") == true)
        }
    }

    @Test("the routes are openapi.yaml's operations: each path allows its operations' methods, and a 404 lists every path")
    func routesAreTheDocumentsOperations() async throws {
        try await Fixture.with { f in
            let byPath = Dictionary(grouping: APIOperation.all, by: \.path)
            for (path, operations) in byPath {
                let concrete = path.replacingOccurrences(of: #"\{[^}]+\}"#, with: "x", options: .regularExpression)
                let answer = try await f.raw("PATCH", concrete)
                #expect(answer.status == 405, "\(path)")
                let allowed = Set((answer.headers["Allow"].first ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
                #expect(allowed == Set(operations.map(\.method.rawValue)), "\(path): Allow \(allowed)")
            }
            let unknown = try await f.raw("GET", "/nothing/here")
            let listed = unknown.json?["message"]?.stringValue?.components(separatedBy: "the API's paths are ").last ?? ""
            #expect(Set(listed.components(separatedBy: ", ")) == Set(byPath.keys), "\(listed)")
        }
    }

    @Test("the token endpoint takes no X-Version, as Workiva's IAM; another version is refused in OAuth's error shape")
    func tokenVersionError() async throws {
        try await Fixture.with { f in
            let request = { (version: String?) in
                try await f.raw(
                    "POST", "/oauth2/token", body: "grant_type=client_credentials", contentType: "application/x-www-form-urlencoded",
                    basic: ("sandbox-client", "sandbox-secret"), version: version)
            }
            let none = try await request(nil)
            #expect(none.status == 200, "\(none.text)")
            #expect(none.json?["access_token"]?.stringValue?.isEmpty == false)
            let other = try await request("2022-01-01")
            #expect(other.status == 400)
            #expect(other.json?["error"] == "invalid_request")
            #expect(other.json?["error_description"]?.stringValue?.contains("X-Version") == true)
            #expect(other.json?["access_token"] == nil)
        }
    }

    @Test("excludeGeneratedJobs leaves out the certification workflow's jobs, in runs and in processes")
    func excludeGeneratedJobs() async throws {
        try await Fixture.with { f in
            let token = try await f.token()
            for path in ["/processRuns/demo-run", "/processes/demo-process"] {
                let all = try await f.raw("GET", path, bearer: token)
                let without = try await f.raw("GET", path + "?excludeGeneratedJobs=true", bearer: token)
                let explicitFalse = try await f.raw("GET", path + "?excludeGeneratedJobs=false", bearer: token)
                #expect(all.status == 200 && without.status == 200)
                #expect(all.text.contains("certificationSignerGenerated"), "\(path)")
                #expect(!without.text.contains("certificationSignerGenerated"), "\(path)")
                #expect(without.text.contains("job-11") || without.text.contains("Review"), "the rest is still there: \(path)")
                #expect(explicitFalse.text == all.text)
            }
        }
    }
}
