import JSON
import Testing

/// The error parsing `text` throws, or nil if it parses.
private func parseError(_ text: String, maximumDepth: Int = 1000) -> JSONParseError? {
    do {
        _ = try JSONValue(parsing: text, maximumDepth: maximumDepth)
        return nil
    } catch {
        return error
    }
}

private func parseError(bytes: [UInt8]) -> JSONParseError? {
    do {
        _ = try JSONValue(parsing: bytes)
        return nil
    } catch {
        return error
    }
}

@Suite("Parsing values")
struct ParsingValueTests {
    @Test(arguments: [
        ("null", JSONValue.null),
        ("true", .bool(true)),
        ("false", .bool(false)),
        ("0", .integer(0)),
        ("-0", .integer(0)),
        ("123", .integer(123)),
        ("-123", .integer(-123)),
        ("1.5", .double(1.5)),
        ("-1.5", .double(-1.5)),
        ("2.0", .double(2.0)),
        ("0.001", .double(0.001)),
        ("1e3", .double(1000)),
        ("1E3", .double(1000)),
        ("1e+3", .double(1000)),
        ("1e-3", .double(0.001)),
        ("-2.5E-2", .double(-0.025)),
        ("0e10", .double(0)),
        ("\"\"", .string("")),
        ("\"abc\"", .string("abc")),
        (" \t\n\r 7 \t\n\r ", .integer(7)),
        ("[]", .array([])),
        ("{}", .object([:])),
        ("[1,\"a\",null]", .array([1, "a", nil])),
        ("{\"a\":{\"b\":[true,false]}}", .object(["a": ["b": [true, false]]])),
        (" [ 1 , { \"k\" : [ ] } , { } ] ", .array([1, ["k": []], [:]])),
    ])
    func parsesValue(text: String, expected: JSONValue) throws {
        #expect(try JSONValue(parsing: text) == expected)
    }

    @Test(arguments: [
        ("9223372036854775807", JSONValue.integer(.max)),
        ("-9223372036854775808", .integer(.min)),
        ("9223372036854775808", .double(9_223_372_036_854_775_808.0)),
        ("-9223372036854775809", .double(-9_223_372_036_854_775_809.0)),
        ("18446744073709551616", .double(18_446_744_073_709_551_616.0)),
        ("123456789012345678901234567890", .double(1.2345678901234568e29)),
        ("1000000000000000000", .integer(1_000_000_000_000_000_000)),
        ("-1", .integer(-1)),
    ])
    func integersAndTheirLimits(text: String, expected: JSONValue) throws {
        #expect(try JSONValue(parsing: text) == expected)
    }

    @Test func negativeZero() throws {
        #expect(try JSONValue(parsing: "-0") == .integer(0))
        let value = try JSONValue(parsing: "-0.0")
        guard case .double(let d) = value else {
            Issue.record("expected a double, got \(value)")
            return
        }
        #expect(d == 0 && d.sign == .minus)
    }

    /// Every double must be the correctly rounded value of its text, whether it
    /// takes the fast path or the standard library's conversion.
    @Test(arguments: [
        "0.1", "0.2", "0.30000000000000004", "3.141592653589793", "2.718281828459045",
        "1e22", "1e23", "1e-22", "1e-23", "9007199254740993.0", "9007199254740993e0",
        "2.2250738585072011e-308", "2.2250738585072014e-308", "4.9e-324", "5e-324",
        "1.7976931348623157e308", "1.00000000000000011102230246251565404236316680908203125",
        "123456.789e-10", "0.000000000000000000000000000001", "12345678901234567890.5",
        "1.2345678901234567890123", "-0.0000001", "1e-400", "100000000000000000000000e-5",
        "7.1e10", "1234567890123456789e-5", "0.9999999999999999999999",
    ])
    func doublesAreCorrectlyRounded(text: String) throws {
        let value = try JSONValue(parsing: text)
        guard case .double(let d) = value else {
            Issue.record("\(text) parsed as \(value), not a double")
            return
        }
        let expected = try #require(Double(text), "Swift's own parser reads \(text)")
        #expect(d.bitPattern == expected.bitPattern, "\(text)")
    }

    @Test(arguments: [
        (#""\"\\\/\b\f\n\r\t""#, "\"\\/\u{08}\u{0C}\n\r\t"),
        (#""\u0041\u00e9\u20AC""#, "Aé€"),
        (#""\uD83D\uDE00""#, "😀"),
        (#""\ud83d\ude00 and \uD834\uDD1E""#, "😀 and 𝄞"),
        (#""\u0000""#, "\u{0}"),
        (#""\uFFFF""#, "\u{FFFF}"),
        ("\"héllo 😀 €\"", "héllo 😀 €"),
        (#""mixed é\n😀\t\u00e9 tail""#, "mixed é\n😀\té tail"),
        (#""a long string with an escape at its very end, past the 8-byte scan\"""#,
         "a long string with an escape at its very end, past the 8-byte scan\""),
        ("\"1234567\\\"\"", "1234567\""),
        ("\"with a DEL \u{7F} and / slash\"", "with a DEL \u{7F} and / slash"),
    ])
    func stringsAndEscapes(text: String, expected: String) throws {
        #expect(try JSONValue(parsing: text) == .string(expected))
    }

    @Test func duplicateKeysKeepTheLastMember() throws {
        let value = try JSONValue(parsing: #"{"a":1,"b":2,"a":{"c":3}}"#)
        #expect(value == ["a": ["c": 3], "b": 2])
    }

    @Test func duplicateKeysCanBeRefused() throws {
        #expect(try JSONValue(parsing: #"{"a":1,"b":{"a":2}}"#, rejectingDuplicateKeys: true) == ["a": 1, "b": ["a": 2]])
        do {
            _ = try JSONValue(parsing: "[{\"a\":1,\n\"a\":2}]", rejectingDuplicateKeys: true)
            Issue.record("a repeated key was accepted")
        } catch {
            #expect(error.isDuplicateKey)
            #expect(error.description == #"line 2, column 6: the object ending here repeats the key "a""#)
        }
        do {
            _ = try JSONValue(parsing: "[1,", rejectingDuplicateKeys: true)
        } catch {
            #expect(!error.isDuplicateKey)
        }
    }

    @Test func acceptsAnyCollectionOfBytes() throws {
        let text = #"{"k":[1,2.5,"é"]}"#
        let expected: JSONValue = ["k": [1, 2.5, "é"]]
        #expect(try JSONValue(parsing: text) == expected)
        #expect(try JSONValue(parsing: Array(text.utf8)) == expected)
        #expect(try JSONValue(parsing: text.utf8) == expected)
        #expect(try JSONValue(parsing: Array(("xx" + text).utf8)[2...]) == expected)
        #expect(try JSONValue(parsing: text.utf8.lazy.map { $0 }) == expected)  // not contiguous
        #expect(try Array(text.utf8).withUnsafeBytes { try JSONValue(parsing: $0) } == expected)
        #expect(try JSONValue(parsing: Substring("[" + text + "]").dropFirst().dropLast().utf8) == expected)
    }

    @Test func largeDocument() throws {
        var text = "[\n"
        for i in 0..<10_000 {
            if i > 0 { text += ",\n" }
            text += #"  {"id": \#(i), "name": "item \#(i) é", "score": \#(i).5, "tags": ["a", "b"], "on": \#(i % 2 == 0)}"#
        }
        text += "\n]"
        let value = try JSONValue(parsing: text)
        let items = try #require(value.arrayValue)
        #expect(items.count == 10_000)
        #expect(items[0] == ["id": 0, "name": "item 0 é", "score": 0.5, "tags": ["a", "b"], "on": true])
        #expect(items[9_999] == ["id": 9_999, "name": "item 9999 é", "score": 9_999.5, "tags": ["a", "b"], "on": false])
        for (i, item) in items.enumerated() where item["id"] != .integer(Int64(i)) {
            Issue.record("element \(i) has id \(String(describing: item["id"]))")
        }
        #expect(try JSONValue(parsing: value.encoded()) == value)
    }
}

@Suite("Parse errors")
struct ParseErrorTests {
    @Test(arguments: [
        // Structure
        ("", 1, "unexpected end of input, expected a value"),
        ("   ", 4, "unexpected end of input, expected a value"),
        ("[1,]", 4, "expected a value (trailing commas are not allowed)"),
        (#"{"a":1,}"#, 8, "expected a string key (trailing commas are not allowed)"),
        ("[1 2]", 4, "expected ',' or ']' after an array element"),
        (#"{"a":1 "b":2}"#, 8, "expected ',' or '}' after an object member"),
        (#"{"a" 1}"#, 6, "expected ':' after an object key"),
        ("{a:1}", 2, "expected a string key or '}'"),
        ("{'a':1}", 2, "expected a string key or '}'"),
        (#"{"a":1,2}"#, 8, "expected a string key"),
        ("[}", 2, "expected a value, found '}'"),
        ("[,1]", 2, "expected a value, found ','"),
        (#"{"a":}"#, 6, "expected a value, found '}'"),
        ("[1,2", 5, "unexpected end of input, expected ',' or ']' after an array element"),
        (#"{"a":1"#, 7, "unexpected end of input, expected ',' or '}' after an object member"),
        (#"{"a""#, 5, "unexpected end of input, expected ':' after an object key"),
        (#"{"a":"#, 6, "unexpected end of input, expected a value"),
        ("{", 2, "unexpected end of input, expected a string key or '}'"),
        ("1 2", 3, "unexpected text after the JSON value"),
        ("[1] // comment", 5, "unexpected text after the JSON value"),
        ("{}}", 3, "unexpected text after the JSON value"),
        ("nulll", 5, "unexpected text after the JSON value"),
        // Not JSON
        ("/* c */ 1", 1, "expected a value (comments are not allowed)"),
        ("['a']", 2, "expected a value (strings take double quotes)"),
        ("NaN", 1, "expected a value (NaN and Infinity are not allowed)"),
        ("[Infinity]", 2, "expected a value (NaN and Infinity are not allowed)"),
        ("-Infinity", 2, "expected a digit after '-'"),
        ("+1", 1, "expected a value (a number cannot start with '+')"),
        ("undefined", 1, "expected a value"),
        ("\u{0B}1", 1, "expected a value"),  // vertical tab is not JSON whitespace
        ("\u{A0}1", 1, "expected a value"),  // nor is a no-break space
        // Literals
        ("tru", 1, "expected 'true'"),
        ("[fals]", 2, "expected 'false'"),
        ("nul", 1, "expected 'null'"),
        ("True", 1, "expected a value"),
        // Numbers
        ("01", 1, "numbers cannot have leading zeros"),
        ("-012", 2, "numbers cannot have leading zeros"),
        ("00.5", 1, "numbers cannot have leading zeros"),
        ("-", 2, "unexpected end of input, expected a digit after '-'"),
        ("-a", 2, "expected a digit after '-'"),
        ("1.", 3, "unexpected end of input, expected a digit after the decimal point"),
        ("1.e5", 3, "expected a digit after the decimal point"),
        (".5", 1, "expected a value"),
        ("1e", 3, "unexpected end of input, expected a digit in the exponent"),
        ("1e+", 4, "unexpected end of input, expected a digit in the exponent"),
        ("[1ex]", 4, "expected a digit in the exponent"),
        ("1e400", 1, "number out of range"),
        ("[0, -1.5e99999999999999999999]", 5, "number out of range"),
        ("0x10", 2, "unexpected text after the JSON value"),
        // Strings
        (#""abc"#, 1, "unterminated string"),
        (#"["abc\"]"#, 2, "unterminated string"),
        (#""\"#, 1, "unterminated string"),
        ("\"a\nb\"", 3, "unescaped control character U+000A in string"),
        ("\"tab\there\"", 5, "unescaped control character U+0009 in string"),
        ("\"a long string, then a control \u{1F}\"", 32, "unescaped control character U+001F in string"),
        (#""\x""#, 2, #"invalid escape '\x'"#),
        (#""ok \a""#, 5, #"invalid escape '\a'"#),
        (#""\'""#, 2, #"invalid escape '\''"#),
        ("\"\\ \"", 2, #"invalid escape: '\' followed by U+0020"#),
        ("\"\\é\"", 2, #"invalid escape: '\' followed by U+00E9"#),
        (#""\u12""#, 2, #"expected 4 hex digits after '\u'"#),
        (#""\u12G4""#, 2, #"expected 4 hex digits after '\u'"#),
        (#""\u"#, 2, #"expected 4 hex digits after '\u'"#),
        (#""\uD800""#, 2, #"high surrogate '\uD800' not followed by a low surrogate"#),
        (#""\ud83dx""#, 2, #"high surrogate '\uD83D' not followed by a low surrogate"#),
        (#""\uD800\u0041""#, 2, #"high surrogate '\uD800' not followed by a low surrogate"#),
        (#""\uD800\uD800""#, 2, #"high surrogate '\uD800' not followed by a low surrogate"#),
        (#""\uD800\u12""#, 8, #"expected 4 hex digits after '\u'"#),
        (#""\uDC00""#, 2, #"low surrogate '\uDC00' without a high surrogate before it"#),
        (#""x\uDFFF\uD800""#, 3, #"low surrogate '\uDFFF' without a high surrogate before it"#),
    ])
    func singleLineErrors(text: String, column: Int, reason: String) throws {
        let error = try #require(parseError(text), "\(text) should not parse")
        #expect(error.reason == reason, "\(text)")
        #expect(error.line == 1, "\(text)")
        #expect(error.column == column, "\(text)")
    }

    @Test func multiLineErrorPositions() throws {
        let doubledComma = "{\n  \"a\": 1,\n  \"b\": [1, 2,, 3]\n}"
        #expect(parseError(doubledComma) == JSONParseError(line: 3, column: 14, offset: 25, reason: "expected a value, found ','"))

        // Columns count Unicode scalars: "é" and "😀" are one column each, several bytes.
        let nonASCII = "[\n  \"héllo\", \"😀\" x\n]"
        #expect(parseError(nonASCII) == JSONParseError(line: 2, column: 16, offset: 21, reason: "expected ',' or ']' after an array element"))

        let crlf = "{\r\n\"a\":\r\n}"
        #expect(parseError(crlf) == JSONParseError(line: 3, column: 1, offset: 9, reason: "expected a value, found '}'"))

        let unterminated = "[\n  \"ok\",\n  \"abc\n]"
        #expect(parseError(unterminated) == JSONParseError(line: 3, column: 7, offset: 16, reason: "unescaped control character U+000A in string"))

        let endOfInput = "{\n  \"a\": [\n    1,\n"
        #expect(parseError(endOfInput) == JSONParseError(line: 4, column: 1, offset: 18, reason: "unexpected end of input, expected a value"))

        let trailing = "{\"a\": 1}\n\n  x"
        #expect(parseError(trailing) == JSONParseError(line: 3, column: 3, offset: 12, reason: "unexpected text after the JSON value"))
    }

    @Test func descriptionNamesLineAndColumn() throws {
        let error = try #require(parseError("[\n  \"abc"))
        #expect(error.description == "line 2, column 3: unterminated string")
        #expect("\(error)" == "line 2, column 3: unterminated string")
    }

    @Test(arguments: [
        ([0x22, 0xFF, 0x22], 1, 2),  // a byte that is never UTF-8
        ([0x22, 0x80, 0x22], 1, 2),  // a lone continuation byte
        ([0x22, 0xC0, 0xAF, 0x22], 1, 2),  // overlong '/'
        ([0x22, 0xE0, 0x80, 0xAF, 0x22], 1, 2),  // overlong, three bytes
        ([0x22, 0xED, 0xA0, 0x80, 0x22], 1, 2),  // an encoded surrogate
        ([0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], 1, 2),  // past U+10FFFF
        ([0x22, 0xE2, 0x82, 0x22], 1, 2),  // truncated before the quote
        ([0x22, 0xF0, 0x9F, 0x98], 1, 2),  // truncated by the end of input
        ([0x22, 0xC3, 0xA9, 0xFF, 0x22], 3, 3),  // after "é": column 3, offset 3
        ([0x22, 0x5C, 0x6E, 0xC3, 0x22], 3, 4),  // in a string with escapes
        ([0x5B, 0xFF, 0x5D], 1, 2),  // outside any string
        ([0x5B, 0x31, 0xC3, 0x5D], 2, 3),  // where a comma should be
    ] as [([UInt8], Int, Int)])
    func invalidUTF8(bytes: [UInt8], offset: Int, column: Int) throws {
        let error = try #require(parseError(bytes: bytes))
        #expect(error.reason == "invalid UTF-8")
        #expect(error.offset == offset)
        #expect(error.column == column)
    }

    @Test func validMultiByteUTF8IsAccepted() throws {
        let bytes: [UInt8] = [0x22, 0xC3, 0xA9, 0xE2, 0x82, 0xAC, 0xF0, 0x9F, 0x98, 0x80, 0xF4, 0x8F, 0xBF, 0xBF, 0x22]
        #expect(try JSONValue(parsing: bytes) == .string("é€😀\u{10FFFF}"))
    }

    /// RFC 8259 forbids writing a byte order mark; this parser rejects one rather than hide it.
    @Test func byteOrderMarkIsRejected() throws {
        let expected = JSONParseError(
            line: 1, column: 1, offset: 0, reason: "byte order mark (U+FEFF) is not allowed at the start of JSON text")
        #expect(parseError(bytes: [0xEF, 0xBB, 0xBF, 0x31]) == expected)
        #expect(parseError("\u{FEFF}{}") == expected)
    }

    @Test func depthLimit() throws {
        let deep = String(repeating: "[", count: 100_000)
        #expect(parseError(deep) == JSONParseError(line: 1, column: 1001, offset: 1000, reason: "nested more than 1000 levels deep"))

        let atLimit = String(repeating: "[", count: 1000) + String(repeating: "]", count: 1000)
        #expect(parseError(atLimit) == nil)
        let overLimit = String(repeating: "[", count: 1001) + String(repeating: "]", count: 1001)
        #expect(parseError(overLimit)?.reason == "nested more than 1000 levels deep")

        let deepObjects = String(repeating: #"{"a":"#, count: 50_000)
        #expect(parseError(deepObjects)?.offset == 5 * 1000)

        #expect(parseError("[[1]]", maximumDepth: 2) == nil)
        #expect(parseError(#"{"a":[1]}"#, maximumDepth: 2) == nil)
        #expect(parseError("[[[1]]]", maximumDepth: 2) == JSONParseError(line: 1, column: 3, offset: 2, reason: "nested more than 2 levels deep"))
        #expect(parseError("1", maximumDepth: 0) == nil)
        #expect(parseError("[]", maximumDepth: 0)?.reason == "nested more than 0 levels deep")
    }

    @Test func containersCloseInOrder() throws {
        #expect(parseError("[{]}")?.reason == "expected a string key or '}'")
        #expect(parseError(#"[{"a":1]}"#)?.reason == "expected ',' or '}' after an object member")
        #expect(parseError(#"{"a":[1}]"#)?.reason == "expected ',' or ']' after an array element")
    }
}
