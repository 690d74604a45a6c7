import JSON
import ProcessesAPI

/// One thing wrong with a value, and where it is.
struct ValidationError: Error {
    enum Code: String {
        case wrongType, missingField, unknownField, invalidValue, invalidDate, emptyValue
    }

    let code: Code
    /// The value's path as a script names it: `jobs[2].arguments.sendTaskArgs.title`.
    let field: String
    let message: String

    /// `field` is kept as messages show it (``JSONPath/shortened(_:)``).
    init(code: Code, field: String, message: String) {
        self.code = code
        self.field = JSONPath.shortened(field)
        self.message = message
    }

}
