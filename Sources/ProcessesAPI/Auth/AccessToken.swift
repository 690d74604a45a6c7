/// An OAuth access token, with the monotonic time it stops being used.
struct AccessToken: Sendable, Equatable {
    var value: String
    var expires: Double
}
