import OpenAPIRuntime

/// The error inside the runtime's `ClientError` wrappers.
func unwrapClientError(_ error: any Error) -> any Error {
    var error = error
    while let wrapped = error as? ClientError { error = wrapped.underlyingError }
    return error
}
