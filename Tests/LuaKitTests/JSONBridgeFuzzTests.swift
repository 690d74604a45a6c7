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

    @Test("the C decoder and JSONValue's parser agree on every text: the same Lua value, or the same error")
    func decoderAgreesWithTheParser() throws {
        let state = LuaState()
        let stack = state.stack
        var random = RandomJSON(seed: 2027)
        var (parsed, refused) = (0, 0)
        for round in 0..<Self.rounds {
            var document = random.value(depth: 0).encodedBytes()
            // Numbers as people write them too: long mantissas, exponents, the edges of Double.
            if round % 8 == 1 { document = Array(Self.numberText(&random).utf8) }
            let text = round % 4 == 0 || round % 8 == 1 ? document : Self.mutate(document, &random)
            if try Self.decodesAlike(text, stack) { parsed += 1 } else { refused += 1 }
        }
        #expect(parsed > Self.rounds / 10 && refused > Self.rounds / 10, "both outcomes exercised: \(parsed) parsed, \(refused) refused")
    }

    /// Texts at the edges of each rule, decoded both ways.
    @Test("the C decoder and JSONValue's parser agree at the edges", arguments: [
        #""\ud83d\ude00""#, #""\ud83d\u0041""#, #""\ud83d""#, #""\ude00""#, #""\u00e9\u0000x""#, #""\uD83D\uDE00""#, #""\u12""#,
        #""\q""#, "\"a\u{1}b\"", "\"\u{7f}\"", #""\/\b\f\n\r\t\"\\""#, "\"\u{feff}\"", "\u{feff}1", "01", "-", "-01", "1.", ".5", "1e", "1e+",
        "2.5E-3", "1e999", "-1e999", "1e-999", "[1,]", "[,1]", "{\"a\":1,}", "{\"a\" 1}", "{1:2}", "[1 2]", "nul", "truex", "[] []",
        " \t\r\n[ ] ", "{\"a\":1,\"a\":2}", "{\"\u{e9}\":1,\"e\u{301}\":2}", "{\"K\":1,\"\u{212a}\":2}", "{\"e\\u0301\":1,\"\u{e9}\":2}", "{\"\":{}}", "[[],{}]", String(repeating: "[", count: 1000) + String(repeating: "]", count: 1000),
        String(repeating: "[", count: 1001) + String(repeating: "]", count: 1001), String(repeating: "{\"a\":", count: 1000) + "1" + String(repeating: "}", count: 1000),
    ])
    func decoderAgreesAtTheEdges(text: String) throws {
        let state = LuaState()
        _ = try Self.decodesAlike(Array(text.utf8), state.stack)
        _ = try Self.decodesAlike(Array(text.utf8) + [0xC3], state.stack)  // cut UTF-8 at the end
    }

    /// Decodes `text` with the C decoder and with JSONValue's parser (pushed
    /// into Lua): expects the same Lua value or the same error. True when it parsed.
    static func decodesAlike(_ text: [UInt8], _ stack: LuaStack) throws -> Bool {
        let shown = String(decoding: text.prefix(200), as: UTF8.self)
        let expected: Result<JSONValue, JSONParseError>
        do {
            let value = try JSONValue(parsing: text)
            try stack.push(json: value)
            expected = .success(try stack.json(at: -1))
            stack.pop()
        } catch let error as JSONParseError {
            expected = .failure(error)
        }
        let before = stack.top
        defer { #expect(stack.top == before, "the stack is as it was after \(shown)") }
        do {
            try text.withUnsafeBufferPointer { bytes in try stack.pushJSON(parsing: bytes) }
            let decoded = try stack.json(at: -1)
            stack.pop()
            #expect(expected == .success(decoded), "decoded \(shown) as \(decoded.encoded())")
            return true
        } catch {
            guard case .notJSON(let parseError)? = error as? JSONDecodingError else {
                Issue.record("\(shown): \(error)")
                return false
            }
            #expect(expected == .failure(parseError), "\(shown) refused: \(parseError)")
            return false
        }
    }

    /// A number's text: digits of any length, a fraction, an exponent near the edges.
    static func numberText(_ random: inout RandomJSON) -> String {
        switch random.below(4) {
        case 0: return String(Double(bitPattern: random.next()).magnitude).replacingOccurrences(of: "inf", with: "1e999")
        case 1: return (random.below(2) == 0 ? "-" : "") + String((0..<(1 + random.below(25))).map { _ in Character(String(random.below(10))) }).drop { $0 == "0" } + "1"
        case 2: return "\(random.below(100_000)).\(random.below(100_000_000))e\(random.below(700) - 350)"
        default: return ["9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809", "1e308", "1.8e308",
                         "4.9e-324", "2.4e-324", "0.1e1", "123456789012345678901234567890", "1E+2", "-0", "-0.0", "1e-400"][random.below(14)]
        }
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
