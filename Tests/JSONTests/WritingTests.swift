import JSON
import TestSupport
import Testing

@Suite("Writing")
struct WritingTests {
    @Test(arguments: [
        (JSONValue.null, "null"),
        (.bool(true), "true"),
        (.bool(false), "false"),
        (.integer(0), "0"),
        (.integer(-5), "-5"),
        (.integer(1_234_567_890), "1234567890"),
        (.integer(.max), "9223372036854775807"),
        (.integer(.min), "-9223372036854775808"),
        (.double(1.5), "1.5"),
        (.double(2.0), "2.0"),
        (.double(-0.0), "-0.0"),
        (.double(0.1), "0.1"),
        (.double(1e20), "1e+20"),
        (.double(1e-7), "1e-07"),
        (.double(.leastNonzeroMagnitude), "5e-324"),
        (.double(1.7976931348623157e308), "1.7976931348623157e+308"),
        (.double(123_456_789.125), "123456789.125"),
        (.double(.nan), "null"),
        (.double(.infinity), "null"),
        (.double(-.infinity), "null"),
        (.string(""), #""""#),
        (.string("plain"), #""plain""#),
        (.array([]), "[]"),
        (.object([:]), "{}"),
    ])
    func scalarsAndEmptyContainers(value: JSONValue, expected: String) {
        #expect(value.encoded() == expected)
        #expect(value.encoded(pretty: true) == expected)
    }

    @Test func stringEscapes() {
        let value = JSONValue.string("q\"b\\s/ \u{08}\u{0C}\n\r\t\u{0}\u{01}\u{1F}\u{7F}é😀")
        #expect(value.encoded() == #""q\"b\\s/ \b\f\n\r\t\u0000\u0001\u001f"# + "\u{7F}é😀\"")
        #expect(JSONValue.string("\u{1B}[0m").encoded() == #""\u001b[0m""#)
    }

    @Test func compactHasNoWhitespace() {
        let value: JSONValue = ["b": [true, nil], "a": 1, "c": ["x": "y z", "e": [:]]]
        #expect(value.encoded() == #"{"a":1,"b":[true,null],"c":{"e":{},"x":"y z"}}"#)
    }

    @Test func prettyLayout() {
        let value: JSONValue = [
            "name": "procsh",
            "list": [1, 2.5, nil, [], [:], ["deep": [true]]],
            "empty": [:],
        ]
        let expected = """
            {
              "empty": {},
              "list": [
                1,
                2.5,
                null,
                [],
                {},
                {
                  "deep": [
                    true
                  ]
                }
              ],
              "name": "procsh"
            }
            """
        #expect(value.encoded(pretty: true) == expected)
        #expect(JSONValue.array([1]).encoded(pretty: true) == "[\n  1\n]")
    }

    /// Keys sort by UTF-8 bytes: not by Swift's `<` (which compares normalized
    /// text, putting decomposed "é" after "f") and not by UTF-16 (which would put
    /// "😀" before U+FFFF).
    @Test func keysSortByUTF8Bytes() {
        let value: JSONValue = [
            "b": 1, "a": 2, "B": 3, "": 4, "aa": 5, "\u{E9}": 6, "f": 7, "e\u{301}x": 8, "😀": 9, "\u{FFFF}": 10, "a\u{0}": 11,
        ]
        let expected =
            #"{"":4,"B":3,"a":2,"a\u0000":11,"aa":5,"b":1,"#
            + "\"e\u{301}x\":8,\"f\":7,\"\u{E9}\":6,\"\u{FFFF}\":10,\"\u{1F600}\":9}"
        #expect(value.encodedBytes() == Array(expected.utf8))
    }

    @Test func writeAppendsToExistingOutput() {
        var output = Array("prefix ".utf8)
        JSONValue.array([1, "a"]).write(into: &output)
        JSONValue.bool(false).write(into: &output, pretty: true)
        #expect(String(decoding: output, as: UTF8.self) == #"prefix [1,"a"]false"#)
    }

    @Test func bytesAndStringAgree() {
        let value: JSONValue = ["k": ["é", 1, 2.5, nil, true]]
        for pretty in [false, true] {
            #expect(String(decoding: value.encodedBytes(pretty: pretty), as: UTF8.self) == value.encoded(pretty: pretty))
        }
    }

    @Test func largeDocument() throws {
        let items: [JSONValue] = (0..<10_000).map { i in
            ["id": .integer(Int64(i)), "name": .string("item \(i)"), "score": .double(Double(i) / 4), "on": .bool(i % 3 == 0)]
        }
        let value = JSONValue.array(items)
        let compact = value.encoded()
        #expect(compact.hasPrefix(#"[{"id":0,"name":"item 0","on":true,"score":0.0},{"id":1,"name":"item 1","on":false,"score":0.25},"#))
        #expect(compact.hasSuffix(#"{"id":9999,"name":"item 9999","on":true,"score":2499.75}]"#))
        #expect(try JSONValue(parsing: compact) == value)

        let pretty = value.encoded(pretty: true)
        #expect(pretty.utf8.count { $0 == UInt8(ascii: "\n") } == 10_000 * 6 + 1)
        #expect(try JSONValue(parsing: pretty) == value)
    }

    @Test func deepNestingWithinTheParserLimit() throws {
        var value: JSONValue = 1
        for n in 0..<1000 { value = n % 2 == 0 ? [value] : ["k": value] }
        let text = value.encoded()
        #expect(text.hasPrefix(#"{"k":[{"k":["#))
        #expect(try JSONValue(parsing: text) == value)
        #expect(try JSONValue(parsing: value.encoded(pretty: true)) == value)
    }
}

@Suite("Round trips")
struct RoundTripTests {
    @Test(arguments: [
        "null", "true", "[1,2.0,-0.0,1e+20,1e-07,\"\\u0000\"]", #"{"a":{"b":[{},[]]},"c":"é😀\n"}"#,
        "-9223372036854775808", "9223372036854775807", "9.223372036854776e+18",
    ])
    func compactTextIsStable(text: String) throws {
        #expect(try JSONValue(parsing: text).encoded() == text)
    }

    /// Thousands of seeded random values survive encoding and parsing, compact
    /// and pretty, and re-encoding gives the same bytes (so doubles keep their bits).
    @Test(arguments: [1, 2, 3, 42])
    func randomValues(seed: UInt64) throws {
        var generator = RandomJSON(seed: seed)
        for _ in 0..<1000 {
            let value = generator.value(depth: 0)
            let compact = value.encoded()
            let parsed = try JSONValue(parsing: compact)
            #expect(parsed == value, "\(compact)")
            #expect(parsed.encodedBytes() == value.encodedBytes())
            #expect(try JSONValue(parsing: value.encoded(pretty: true)) == value)
        }
    }
}
