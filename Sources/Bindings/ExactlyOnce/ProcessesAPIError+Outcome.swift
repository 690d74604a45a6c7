import ProcessesAPI

extension ProcessesAPIError {
    /// Whether the server may have done what a failed write asked: it was not
    /// safe to send again, and the failure came after sending (a broken
    /// connection, a timeout, a 5xx, or a 2xx whose body was lost).
    var mayHaveBeenDone: Bool {
        !retryable && (kind == .transport || kind == .timeout || (status ?? 0) >= 500)
    }

    /// Whether Ctrl-C or the run's `--timeout` stopped the call: the run is ending.
    var stoppedTheRun: Bool { code == "interrupted" || code == "runTimeout" }
}
