/// A `--faults` value that cannot be used.
public struct FaultSpecError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
