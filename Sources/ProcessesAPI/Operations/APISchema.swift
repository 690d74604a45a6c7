/// A schema of openapi.yaml as data: what the bindings check a request
/// against before sending it, and what the client checks an answer against
/// (``ResponseShape``). The values are generated from the document
/// (``component(_:)``, `APISchema+Document.swift`).
public indirect enum APISchema: Sendable {
    case string(APIStringRule)
    case integer(APIIntegerRule)
    case number
    case boolean
    case array(APISchema, minItems: Int? = nil, maxItems: Int? = nil)
    case object(APIObjectSchema)
    /// `oneOf` with a discriminator: `type`'s value picks the case.
    case union(discriminator: String, cases: [(value: String, schema: APISchema)])
    /// `oneOf` without one: exactly one alternative fits, tried in order.
    case oneOf([APISchema])
    /// `anyOf`: at least one alternative fits.
    case anyOf([APISchema])
    /// The value may also be `null` (`type: [string, 'null']`).
    case nullable(APISchema)
    /// A component schema, by name (`$ref`).
    case reference(String)
    /// No type given: any value.
    case any

    /// The component `name` names.
    public static func named(_ name: String) -> APISchema {
        guard let schema = component(name) else { preconditionFailure("openapi.yaml has no schema \(name)") }
        return schema
    }

    /// This schema with references followed.
    public var resolved: APISchema {
        if case .reference(let name) = self { return Self.named(name).resolved }
        return self
    }

    /// The component's name, when this schema is a reference.
    public var referenceName: String? {
        if case .reference(let name) = self { return name }
        return nil
    }

    /// An object's member `name`, if the schema is an object that has it.
    public func member(_ name: String) -> APISchema? {
        guard case .object(let object) = resolved else { return nil }
        return object.members.first { $0.name == name }?.schema
    }

    /// An array's `maxItems`.
    public var maxItems: Int? {
        if case .array(_, _, let maxItems) = resolved { return maxItems }
        return nil
    }
}

public struct APIStringRule: Sendable {
    /// The allowed values (`enum`), if closed.
    public var values: [String]?
    public var minLength: Int
    /// `date`, `date-time`, ...
    public var format: String?

    public init(values: [String]? = nil, minLength: Int = 0, format: String? = nil) {
        self.values = values
        self.minLength = minLength
        self.format = format
    }
}

public struct APIIntegerRule: Sendable {
    public var minimum: Int64?
    public var maximum: Int64?

    public init(minimum: Int64? = nil, maximum: Int64? = nil) {
        self.minimum = minimum
        self.maximum = maximum
    }
}

public struct APIObjectSchema: Sendable {
    public struct Member: Sendable {
        public let name: String
        public let schema: APISchema
        public let required: Bool

        public init(_ name: String, _ schema: APISchema, required: Bool) {
            self.name = name
            self.schema = schema
            self.required = required
        }
    }

    /// What a message calls such an object ("a job"), from the schema's `title`.
    public var title: String?
    public var members: [Member]
    /// `additionalProperties: false`: no other member is allowed.
    public var closed: Bool

    public init(title: String? = nil, members: [Member] = [], closed: Bool = false) {
        self.title = title
        self.members = members
        self.closed = closed
    }

    /// The members' names of `schema`, when it is an object.
    public static func memberNames(of schema: APISchema) -> [String] {
        guard case .object(let object) = schema.resolved else { return [] }
        return object.members.map(\.name)
    }

    /// The required members' names, in the document's order.
    public var requiredNames: [String] { members.filter(\.required).map(\.name) }
}
