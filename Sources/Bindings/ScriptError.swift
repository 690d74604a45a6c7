import JSON
import LuaKit
import ProcessesAPI

/// An error as scripts see it: a table with the fields of the error contract
/// (docs/lua-api.md, "Errors")
/// (`kind`, `status`, `code`, `message`, `target`, `meta`, `details`,
/// `retryAfter`, `retryable`, `request`, `field`, ...) and a shared metatable
/// whose `__tostring` gives one clear line. Thrown from a binding, it is raised
/// as that table, so `pcall` returns it intact.
public struct ScriptError: Error, LuaRaisable, CustomStringConvertible {
    /// The client's kinds, and `validation`: a value the script gave is wrong
    /// (found before anything was sent).
    public enum Kind: String, Sendable {
        case api, validation, transport, timeout, auth, usage
    }

    public var kind: Kind
    /// What went wrong: the client's error, or for a validation error its code and message.
    public var error: ProcessesAPIError
    /// For validation errors: where the bad value is, as a script names it
    /// (`jobs[2].arguments.sendTaskArgs.assignee`).
    public var field: String?
    /// More fields, for errors that carry more (a batch that failed part-way
    /// lists the job runs created before it).
    var extra: [(key: String, value: JSONValue)] = []

    /// The client's error as the script sees it. A request the client would
    /// not send for its length was made of the script's values (an id far too
    /// long): to the script, that is a validation error.
    init(_ error: ProcessesAPIError, extra: [(key: String, value: JSONValue)] = []) {
        self.kind = error.code == ProcessesAPIError.requestTooLong ? .validation : Kind(rawValue: error.kind.rawValue) ?? .usage
        self.error = error
        self.extra = extra
    }

    /// A value the script gave is wrong.
    init(_ validation: ValidationError) {
        kind = .validation
        error = ProcessesAPIError(kind: .usage, code: validation.code.rawValue, message: validation.message)
        field = validation.field
    }

    /// One line: `api 404 (404): ... [POST /processRuns/x/jobRuns]`, `validation: jobs[2].title: ...`.
    public var description: String {
        error.line(kind: kind.rawValue, showsCode: kind != .validation, field: field)
    }

    /// The registry name of the metatable every error table shares.
    static let metatableName = "procsh.Error"

    public func pushErrorValue(onto stack: LuaStack) {
        push(onto: stack)
    }

    /// Pushes the error as an error table.
    func push(onto stack: LuaStack) {
        stack.newTable(hash: 16)
        func set(_ key: String, _ value: JSONValue?) {
            guard let value else { return }
            do {
                try stack.push(json: value)  // values here are small and well-formed
                stack.rawSet(-2, key: key)
            } catch {
                // Nothing was pushed: leave the field out rather than store the wrong value.
            }
        }
        set("kind", .string(kind.rawValue))
        set("status", error.status.map { .integer(Int64($0)) })
        set("code", error.code.map(JSONValue.string))
        set("message", .string(error.message))
        set("target", error.target.map(JSONValue.string))
        set("field", field.map(JSONValue.string))
        set("meta", error.meta)
        set("details", .array(error.details.map { detail in
            .object([
                "code": detail.code.map(JSONValue.string), "message": detail.message.map(JSONValue.string),
                "target": detail.target.map(JSONValue.string),
            ].compactMapValues { $0 })
        }))
        set("documentationUrl", error.documentationUrl.map(JSONValue.string))
        set("retryAfter", error.retryAfter.map(JSONValue.double))
        set("retryable", .bool(error.retryable))
        set("request", error.request.map { .object(["method": .string($0.method), "path": .string($0.path)]) })
        set("attempts", .integer(Int64(error.attempts)))
        set("hint", error.hint.map(JSONValue.string))
        for (key, value) in extra { set(key, value) }
        Self.pushMetatable(onto: stack)
        stack.setMetatable(-2)
    }

    /// Pushes the shared metatable, creating it the first time.
    static func pushMetatable(onto stack: LuaStack) {
        guard stack.pushMetatable(named: metatableName) else { return }
        stack.push(function: { s in
            s.push(ScriptError.line(ofTableAt: 1, in: s))
            return 1
        }, name: "__tostring")
        stack.rawSet(-2, key: "__tostring")
        // An uncaught error prints its line and a traceback (CLuaShim's message handler).
        stack.push(true)
        stack.rawSet(-2, key: "__traceback")
    }

    /// Whether the value at `index` is an error table (it has the shared metatable).
    static func isErrorTable(at index: Int32, in stack: LuaStack) -> Bool {
        guard stack.type(at: index) == .table, stack.getMetatable(index) else { return false }
        defer { stack.pop(2) }
        stack.rawGet(LuaStack.registry, key: metatableName)
        return stack.rawEqual(-1, -2)
    }

    /// The error read back from an error table's fields (as a script may have
    /// changed them), for its one-line text and its exit status.
    static func read(tableAt index: Int32, in stack: LuaStack) -> ScriptError {
        let index = stack.absoluteIndex(index)
        func string(_ key: String) -> String? {
            defer { stack.pop() }
            return stack.rawGet(index, key: key) == .string ? stack.string(at: -1) : nil
        }
        func integer(_ key: String) -> Int? {
            defer { stack.pop() }
            return stack.rawGet(index, key: key) == .number ? stack.integer(at: -1).map { Int($0) } : nil
        }
        let kind = string("kind").flatMap(Kind.init(rawValue:)) ?? .usage
        var error = ProcessesAPIError(
            kind: ProcessesAPIError.Kind(rawValue: kind.rawValue) ?? .usage,
            status: integer("status"), code: string("code"), message: string("message") ?? "?",
            target: string("target"), hint: string("hint"))
        let field = string("field")
        if stack.rawGet(index, key: "request") == .table {
            let request = stack.top
            let method = stack.rawGet(request, key: "method") == .string ? stack.string(at: -1) : nil
            let path = stack.rawGet(request, key: "path") == .string ? stack.string(at: -1) : nil
            stack.pop(2)
            if let method, let path { error.request = .init(method: method, path: path) }
        }
        stack.pop()
        var script = ScriptError(error)
        script.kind = kind
        script.field = field
        return script
    }

    /// `api 404 (404): Could not find process run id x [POST /processRuns/x/jobRuns]`.
    static func line(ofTableAt index: Int32, in stack: LuaStack) -> String {
        read(tableAt: index, in: stack).description
    }
}

extension ScriptError {
    /// Pushes `invalid(field, message [, code])` for binding code written in
    /// Lua: it raises a validation error table, as the Swift bindings do.
    /// `code` is a ValidationError code name (default `wrongType`).
    static func pushValidationRaiser(onto stack: LuaStack, name: String) {
        stack.push(function: { s in
            let code = s.string(at: 3).flatMap(ValidationError.Code.init(rawValue:)) ?? .wrongType
            throw ScriptError(ValidationError(code: code, field: s.lossyString(at: 1) ?? "?", message: s.lossyString(at: 2) ?? ""))
        }, name: name)
    }
}
