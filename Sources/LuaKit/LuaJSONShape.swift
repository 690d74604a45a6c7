import CLua
import CLuaShim

/// A JSON shape compiled for LuaKit's C checker: whether a Lua value, as
/// ``LuaStack/pushJSON(parsing:)`` builds them, fits it, tested where it
/// stands (an API answer of 100,000 job runs in a few dozen milliseconds).
/// It says only yes or no; the caller explains a no. Immutable once built,
/// so one shape serves every state and thread.
public final class LuaJSONShape: @unchecked Sendable {
    public indirect enum Rule {
        case any, string, integer, number, boolean
        /// The rule, or null.
        case nullable(Rule)
        /// An array whose every element fits.
        case array(Rule)
        /// An object whose members fit (absent only when not required); other members are allowed.
        case object([Member])
        /// An object whose `discriminator` member names the case that applies; with no known name, any case.
        case union(discriminator: String, cases: [(value: String, rule: Rule)])
        /// At least one of the rules.
        case anyOf([Rule])
        /// The rule `resolve` gives for the name; it may refer back to itself (a tree's children).
        case reference(String)

        public struct Member {
            public let name: String
            public let rule: Rule
            public let required: Bool

            public init(_ name: String, _ rule: Rule, required: Bool) {
                self.name = name
                self.rule = rule
                self.required = required
            }
        }
    }

    private var root: UnsafeMutablePointer<luash_shape>!
    /// Every node and array allocated, freed together.
    private var allocations: [UnsafeMutableRawPointer] = []
    private var names: [UnsafePointer<CChar>?] = []
    private var lengths: [Int] = []
    private var nameNumbers: [String: Int32] = [:]

    public init(_ rule: Rule, resolve: (String) -> Rule) {
        var named: [String: UnsafeMutablePointer<luash_shape>] = [:]
        root = build(rule, resolve, &named)
    }

    deinit {
        for pointer in allocations { pointer.deallocate() }
    }

    /// Whether the value at `index` of `L` fits.
    func fits(_ L: OpaquePointer, _ index: Int32) -> Bool {
        names.withUnsafeBufferPointer { names in
            lengths.withUnsafeBufferPointer { lengths in
                luash_json_fits(L, index, root, names.baseAddress, lengths.baseAddress, Int32(names.count)) != 0
            }
        }
    }

    // MARK: Building the graph

    private func build(
        _ rule: Rule, _ resolve: (String) -> Rule, _ named: inout [String: UnsafeMutablePointer<luash_shape>]
    ) -> UnsafeMutablePointer<luash_shape> {
        if case .reference(let name) = rule, let known = named[name] { return known }
        let node = allocate(luash_shape.self, 1)
        node.initialize(to: luash_shape())
        if case .reference(let name) = rule {
            named[name] = node  // before its rule is built, which may refer back to it
            fill(node, resolve(name), resolve, &named)
        } else {
            fill(node, rule, resolve, &named)
        }
        return node
    }

    private func fill(
        _ node: UnsafeMutablePointer<luash_shape>, _ rule: Rule, _ resolve: (String) -> Rule,
        _ named: inout [String: UnsafeMutablePointer<luash_shape>]
    ) {
        func children(_ rules: [Rule]) {
            node.pointee.count = Int32(rules.count)
            let shapes = allocate(UnsafeMutablePointer<luash_shape>?.self, max(1, rules.count))
            for (i, child) in rules.enumerated() { (shapes + i).initialize(to: build(child, resolve, &named)) }
            node.pointee.shapes = shapes
        }
        func numbers(_ strings: [String]) -> UnsafeMutablePointer<Int32> {
            let numbers = allocate(Int32.self, max(1, strings.count))
            for (i, string) in strings.enumerated() { (numbers + i).initialize(to: number(of: string)) }
            return numbers
        }
        switch rule {
        case .any: node.pointee.kind = Int32(LUASH_SHAPE_ANY)
        case .string: node.pointee.kind = Int32(LUASH_SHAPE_STRING)
        case .integer: node.pointee.kind = Int32(LUASH_SHAPE_INTEGER)
        case .number: node.pointee.kind = Int32(LUASH_SHAPE_NUMBER)
        case .boolean: node.pointee.kind = Int32(LUASH_SHAPE_BOOLEAN)
        case .nullable(let inner):
            node.pointee.kind = Int32(LUASH_SHAPE_NULLABLE)
            children([inner])
        case .array(let element):
            node.pointee.kind = Int32(LUASH_SHAPE_ARRAY)
            children([element])
        case .object(let members):
            node.pointee.kind = Int32(LUASH_SHAPE_OBJECT)
            children(members.map(\.rule))
            node.pointee.names = numbers(members.map(\.name))
            let required = allocate(UInt8.self, max(1, members.count))
            for (i, member) in members.enumerated() { (required + i).initialize(to: member.required ? 1 : 0) }
            node.pointee.required = required
        case .union(let discriminator, let cases):
            node.pointee.kind = Int32(LUASH_SHAPE_UNION)
            children(cases.map(\.rule))
            node.pointee.names = numbers(cases.map(\.value))
            node.pointee.discriminator = number(of: discriminator)
        case .anyOf(let rules):
            node.pointee.kind = Int32(LUASH_SHAPE_ANY_OF)
            children(rules)
        case .reference:
            node.pointee.kind = Int32(LUASH_SHAPE_ANY_OF)  // a reference to a reference: one alternative
            children([rule])
        }
    }

    private func allocate<T>(_ type: T.Type, _ count: Int) -> UnsafeMutablePointer<T> {
        let pointer = UnsafeMutablePointer<T>.allocate(capacity: count)
        allocations.append(UnsafeMutableRawPointer(pointer))
        return pointer
    }

    /// The 1-based number of a member name in the list the checker makes Lua strings of.
    private func number(of name: String) -> Int32 {
        if let known = nameNumbers[name] { return known }
        let utf8 = Array(name.utf8)
        let text = allocate(CChar.self, utf8.count + 1)
        for (i, byte) in utf8.enumerated() { (text + i).initialize(to: CChar(bitPattern: byte)) }
        (text + utf8.count).initialize(to: 0)
        names.append(UnsafePointer(text))
        lengths.append(utf8.count)
        let number = Int32(names.count)
        nameNumbers[name] = number
        return number
    }
}

extension LuaStack {
    /// Whether the value at `index` fits `shape` (see ``LuaJSONShape``).
    public func fits(_ shape: LuaJSONShape, at index: Int32) -> Bool {
        shape.fits(L, index)
    }
}
