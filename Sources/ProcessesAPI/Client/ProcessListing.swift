import Foundation

/// Every process, read lazily: the next page is fetched only when the
/// sequence reaches it, by following each page's `@nextLink`.
///
/// A `@nextLink` that points at another host is refused: credentials go to
/// the configured API only.
public struct ProcessListing: AsyncSequence, Sendable {
    public typealias Element = Components.Schemas.Process

    let client: ProcessesClient
    let filter: String?
    let orderBy: String?
    let pageSize: Int?

    public func makeAsyncIterator() -> Iterator {
        Iterator(listing: self)
    }

    public struct Iterator: AsyncIteratorProtocol, Sendable {
        let listing: ProcessListing
        var buffer: [Element] = []
        var position = 0
        /// The token of the next page; nil before the first page and after the last.
        var next: String?
        var started = false

        init(listing: ProcessListing) {
            self.listing = listing
        }

        public mutating func next() async throws(ProcessesAPIError) -> Element? {
            while position == buffer.count {
                if started && next == nil { return nil }
                let page = try await listing.client.listProcessesPage(
                    filter: listing.filter, orderBy: listing.orderBy, pageSize: listing.pageSize, next: next)
                started = true
                buffer = page.data
                position = 0
                next = try page.nextLink.map { link throws(ProcessesAPIError) in
                    try Self.nextToken(from: link, api: listing.client.configuration.baseURL)
                }
            }
            defer { position += 1 }
            return buffer[position]
        }

        /// The `$next` token of a `@nextLink`, after checking the link stays on the API's host.
        static func nextToken(from link: String, api: URL) throws(ProcessesAPIError) -> String {
            let request = ProcessesAPIError.Request(.listProcesses)
            guard let url = URLComponents(string: link) else {
                throw ProcessesAPIError(kind: .transport, message: "@nextLink '\(link)' is not a URL", request: request)
            }
            if let host = url.host, !host.isEmpty {
                let sameHost = host.lowercased() == api.host?.lowercased()
                let sameScheme = url.scheme?.lowercased() == api.scheme?.lowercased()
                let samePort = (url.port ?? defaultPort(url.scheme)) == (api.port ?? defaultPort(api.scheme))
                guard sameHost && sameScheme && samePort else {
                    throw ProcessesAPIError(
                        kind: .transport,
                        message: "refusing to follow @nextLink to \(url.scheme ?? "?")://\(host)\(url.port.map { ":\($0)" } ?? ""): it is not the API (\(api.absoluteString)), and credentials are sent to the API only",
                        request: request)
                }
            }
            guard let token = url.queryItems?.first(where: { $0.name == ListProcessesQuery.next.rawValue })?.value, !token.isEmpty else {
                throw ProcessesAPIError(kind: .transport, message: "@nextLink '\(link)' has no $next token", request: request)
            }
            return token
        }

        private static func defaultPort(_ scheme: String?) -> Int? {
            switch scheme?.lowercased() {
            case "https": return 443
            case "http": return 80
            default: return nil
            }
        }
    }
}
