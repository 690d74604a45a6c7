/// The API version procsh speaks, sent as `X-Version` on every request, and
/// procsh's own version, sent in `User-Agent`.
public enum APIVersion {
    public static let current = "2026-04-01.processes.preview"
    /// procsh's version (the `procsh/<version>` of `User-Agent`).
    public static let procsh = "0.1.0"
}
