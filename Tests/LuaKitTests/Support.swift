import LuaKit

/// Counts deinits of the objects a test creates (one counter per test: tests run in parallel).
final class DeinitCounter {
    var count = 0
}

final class Tracked {
    let counter: DeinitCounter
    let label: String

    init(_ counter: DeinitCounter, label: String = "") {
        self.counter = counter
        self.label = label
    }

    deinit { counter.count += 1 }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
}

extension LuaState {
    /// Runs `code` and returns its first result as a string (via tostring).
    func eval(_ code: String) throws -> String {
        let base = stack.top
        let n = try run(code, name: "=(test)")
        defer { stack.top = base }
        guard n > 0 else { return "" }
        return try stack.describe(at: base + 1)
    }
}
