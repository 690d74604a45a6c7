import Testing

/// One command line to run with both interpreters, for parameterised tests.
struct Case: Sendable, CustomTestStringConvertible {
    var name: String
    var args: [String]
    var stdin: Stdin = .null
    var env: [String: String] = [:]
    var files: [String: String] = [:]

    init(
        _ name: String, _ args: [String], stdin: Stdin = .null,
        env: [String: String] = [:], files: [String: String] = [:]
    ) {
        self.name = name
        self.args = args
        self.stdin = stdin
        self.env = env
        self.files = files
    }

    var testDescription: String { name }
}

extension Case {
    /// Runs this case with both interpreters and compares (see `compare`).
    @discardableResult
    func compare(
        allowing allowances: Allowances = .exact,
        mergeStderr: Bool = false,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> Comparison {
        try await EndToEndTests.compare(
            args, stdin: stdin, env: env, files: files, mergeStderr: mergeStderr,
            allowing: allowances, sourceLocation: sourceLocation)
    }
}
