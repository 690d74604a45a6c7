import Foundation

extension JSONEncoder {
    /// Sorted keys, no escaped slashes: stable output for docs and tests.
    static let sandbox: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}
