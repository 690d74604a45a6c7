import Foundation
import Testing
@testable import ProcessesAPI

@Suite("Pagination")
struct PaginationTests {
    static func page(_ ids: [String], next: String?) -> Answer {
        let data = ids.map { #"{"id":"\#($0)","name":"Process \#($0)"}"# }.joined(separator: ",")
        let link = next.map { #","@nextLink":"\#($0)""# } ?? ""
        return .json(200, #"{"data":[\#(data)]\#(link)}"#)
    }

    @Test func followsNextLinksAcrossThreePages() async throws {
        let server = FakeServer { request, _ in
            switch request.query["$next"] {
            case nil: return Self.page(["a", "b", "c"], next: "https://api.example.com/processes?$next=p2&$maxpagesize=3")
            case "p2": return Self.page(["d", "e", "f"], next: "/processes?$next=p3")
            case "p3": return Self.page(["g"], next: nil)
            default: return .json(400, #"{"code":"400","message":"bad token"}"#)
            }
        }
        let client = try makeClient(server)
        var ids: [String] = []
        for try await process in client.processes(filter: "name contains 'Q4'", orderBy: "name", pageSize: 3) {
            ids.append(process.id)
        }
        #expect(ids == ["a", "b", "c", "d", "e", "f", "g"])
        #expect(server.apiRequests.count == 3)
        #expect(server.apiRequests.allSatisfy { $0.query["$filter"] == "name contains 'Q4'" && $0.query["$maxpagesize"] == "3" && $0.query["$orderBy"] == "name" })
        #expect(server.apiRequests.map { $0.query["$next"] } == [nil, "p2", "p3"])
    }

    @Test func pagesAreFetchedOnlyWhenReached() async throws {
        let server = FakeServer { request, _ in
            request.query["$next"] == nil ? Self.page(["a", "b"], next: "/processes?$next=p2") : Self.page(["c"], next: nil)
        }
        var iterator = try makeClient(server).processes().makeAsyncIterator()
        #expect(try await iterator.next()?.id == "a")
        #expect(server.apiRequests.count == 1)
        _ = try await iterator.next()
        #expect(server.apiRequests.count == 1)
        #expect(try await iterator.next()?.id == "c")
        #expect(server.apiRequests.count == 2)
        #expect(try await iterator.next() == nil)
    }

    @Test(arguments: [
        "https://evil.example.net/processes?$next=p2",
        "http://api.example.com/processes?$next=p2",
        "https://api.example.com:8443/processes?$next=p2",
    ])
    func foreignNextLinkIsRefusedAndGetsNoCredentials(link: String) async throws {
        let server = FakeServer { request, _ in
            request.query["$next"] == nil ? Self.page(["a"], next: link) : Self.page(["stolen"], next: nil)
        }
        var ids: [String] = []
        let error = try await #require(throws: ProcessesAPIError.self) {
            for try await process in try makeClient(server).processes() { ids.append(process.id) }
        }
        #expect(error.message.contains("refusing to follow @nextLink"))
        #expect(server.apiRequests.count == 1)
        #expect(server.requests.allSatisfy { $0.baseURL.host == "api.example.com" })
        #expect(!"\(error)".contains("s3cr3t") && !"\(error)".contains("token-1"))
    }
}
