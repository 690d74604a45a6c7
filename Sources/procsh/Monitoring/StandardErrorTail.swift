/// The last bytes a run writes to its standard error, for the body of its
/// final ping. While `--quiet-on-success` holds the output they are read from
/// the held file at the end; otherwise a tee (``StandardErrorTee``) keeps
/// them as they pass. Either way standard error gets every byte, in order,
/// and standard output is not touched.
///
/// Start it after ``OutputHold/start()``, never before: a hold started later
/// would send its output back through the tee's pipe once the tee is gone.
final class StandardErrorTail {
    /// How many bytes are kept: more than a ping's body, so that a secret cut
    /// in two at the front of what is kept falls outside the body once masked.
    static let kept = HealthPings.bodyLimit + 4096

    private let tee: StandardErrorTee?

    init() {
        tee = OutputHold.isHolding ? nil : StandardErrorTee(keeping: Self.kept)
    }

    /// Stops keeping; the last bytes written (at most ``kept``). Call it
    /// before ``OutputHold/finish(status:)`` lets the held output go.
    func finish() -> [UInt8] {
        if let tee { return tee.finish() }
        return OutputHold.heldErrorTail(Self.kept) ?? []
    }
}
