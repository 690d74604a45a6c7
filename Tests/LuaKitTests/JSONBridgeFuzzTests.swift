import Foundation
import JSON
import LuaKit
import TestSupport
import Testing

/// The Lua ↔ JSON bridge fed random documents and mutations of them (bit
/// flips, truncations, inserted and deleted bytes, spliced fragments): every
/// text either parses, survives JSON → Lua → JSON unchanged and re-parses to
/// the same value, or fails with an error whose position lies inside the text.
/// Seeded, so a failure repeats; PROCSH_FULL=1 runs ten times as many.
@Suite struct JSONBridgeFuzzTests {
    static let rounds = ProcessInfo.processInfo.environment["PROCSH_FULL"] == "1" ? 100_000 : 10_000

    static func mutate(_ bytes: [UInt8], _ random: inout RandomJSON) -> [UInt8] {
        var b = bytes
        let fragments: [[UInt8]] = ["{", "}", "[", "]", ",", ":", "\"", "\\", "\\u", "\\ud800", "-", "0", "1e", ".", "null", "tru", " ", "\u{0}", "é"]
            .map { Array($0.utf8) } + [[0xFF], [0xC3], [0xED, 0xA0, 0x80], [0xEF, 0xBB, 0xBF]]
        for _ in 0..<(1 + random.below(3)) {
            let at = b.isEmpty ? 0 : random.below(b.count + 1)
            switch random.below(5) {
            case 0 where !b.isEmpty:  // flip a bit
                let i = min(at, b.count - 1)
                b[i] ^= UInt8(1 << random.below(8))
            case 1:  // truncate
                b = Array(b.prefix(at))
            case 2:  // insert a fragment
                b.insert(contentsOf: fragments[random.below(fragments.count)], at: at)
            case 3 where !b.isEmpty:  // delete a run of bytes
                b.removeSubrange(min(at, b.count - 1)..<min(b.count, at + 1 + random.below(4)))
            default:  // duplicate a slice
                let end = min(b.count, at + random.below(8))
                b.insert(contentsOf: b[at..<end], at: at)
            }
        }
        return b
    }

    @Test("random and mutated JSON: parsed and round-tripped through Lua, or refused with a position inside the text")
    func randomAndMutated() throws {
        let state = LuaState()
        var random = RandomJSON(seed: 2026)
        var (parsed, refused) = (0, 0)
        for round in 0..<Self.rounds {
            let document = random.value(depth: 0).encodedBytes()
            let text = round % 4 == 0 ? document : Self.mutate(document, &random)
            do {
                let value = try JSONValue(parsing: text)
                parsed += 1
                // Lua cannot hold every JSON value (an empty array and an empty
                // object are both an empty table; the marker keeps arrays apart).
                try state.stack.push(json: value)
                let back = try state.stack.json(at: -1)
                state.stack.pop()
                let again = try JSONValue(parsing: back.encodedBytes())
                #expect(again == back, "the writer's text re-parses to the same value: \(back.encoded())")
                #expect(back.encoded() == value.encoded() || Self.differsOnlyInEmptyContainers(value, back),
                        "round trip through Lua: \(value.encoded()) came back as \(back.encoded())")
            } catch let error as JSONParseError {
                refused += 1
                #expect(error.offset >= 0 && error.offset <= text.count, "offset \(error.offset) in \(text.count) bytes")
                #expect(error.line >= 1 && error.column >= 1)
            }
        }
        #expect(parsed > Self.rounds / 10 && refused > Self.rounds / 10, "both outcomes exercised: \(parsed) parsed, \(refused) refused")
        print("json bridge fuzz: \(Self.rounds) texts, \(parsed) parsed and round-tripped, \(refused) refused")
    }

    /// `{}` and `[]` may trade places through Lua; nothing else may change.
    static func differsOnlyInEmptyContainers(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.array(let x), .array(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { differsOnlyInEmptyContainers($0, $1) }
        case (.object(let x), .object(let y)):
            return x.keys.sorted() == y.keys.sorted() && x.allSatisfy { key, value in
                y[key].map { differsOnlyInEmptyContainers(value, $0) } ?? false
            }
        case (.array(let x), .object(let y)), (.object(let y), .array(let x)):
            return x.isEmpty && y.isEmpty
        default:
            return a == b
        }
    }
}
