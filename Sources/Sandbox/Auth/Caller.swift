/// Who is calling, as the auth stage found out; the handlers read it.
struct Caller: Sendable {
    /// The OAuth client of the bearer token (API operations).
    var clientID: String?
    /// HTTP Basic credentials (the token request).
    var basic: (id: String, secret: String)?

    @TaskLocal static var current = Caller()
}
