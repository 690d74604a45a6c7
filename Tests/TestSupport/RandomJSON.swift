import JSON
import Sandbox

/// A deterministic generator of JSON values with awkward content: control
/// characters, quotes, non-ASCII, extreme integers, doubles of any finite bit pattern.
public struct RandomJSON {
    var generator: SplitMix64

    public init(seed: UInt64) { generator = SplitMix64(seed: seed) }

    public mutating func next() -> UInt64 { generator.next() }

    public mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }

    public mutating func value(depth: Int) -> JSONValue {
        switch below(depth < 4 ? 9 : 6) {
        case 0: return .null
        case 1: return .bool(next() & 1 == 0)
        case 2: return .integer(integer())
        case 3: return .double(double())
        case 4, 5: return .string(string())
        case 6, 7: return .array((0..<below(6)).map { _ in value(depth: depth + 1) })
        default:
            var members: [String: JSONValue] = [:]
            for _ in 0..<below(6) { members[string()] = value(depth: depth + 1) }
            return .object(members)
        }
    }

    public mutating func integer() -> Int64 {
        switch below(4) {
        case 0: return Int64(below(200)) - 100
        case 1: return [Int64.min, .max, 0, -1][below(4)]
        default: return Int64(bitPattern: next())
        }
    }

    public mutating func double() -> Double {
        switch below(4) {
        case 0: return Double(below(2000) - 1000) / 8
        case 1: return [0.0, -0.0, 1e20, 1e-7, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 2.0, 0.1][below(8)]
        default:
            while true {
                let d = Double(bitPattern: next())
                if d.isFinite { return d }
            }
        }
    }

    public mutating func string() -> String {
        let pool: [Unicode.Scalar] = [
            "a", "b", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "\u{0}", "\u{1F}", "\u{7F}",
            "é", "€", "😀", "\u{FFFF}", "\u{10FFFF}", "\u{301}",
        ]
        var text = String.UnicodeScalarView()
        for _ in 0..<below(12) { text.append(pool[below(pool.count)]) }
        return String(text)
    }
}
