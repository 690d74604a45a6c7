extension ProcessesAPIError {
    /// Why a write whose outcome is unknown is not sent again.
    public static let unknownOutcomeHint =
        "the server may have acted on this request, so it was not sent again (it is not idempotent); read the current state (e.g. the process run) before sending it again"
}
