extension ProcessesAPIError {
    /// No client id and secret configured.
    static let missingCredentials = ProcessesAPIError(
        kind: .auth,
        message: "no credentials: set WORKIVA_CLIENT_ID and WORKIVA_CLIENT_SECRET (a Workiva OAuth client), or use --sandbox to work against the local sandbox")
}
