/// Why a JSON text could not be parsed, and where.
///
/// `offset` is the 0-based byte offset of the problem in the UTF-8 input.
/// `line` and `column` are 1-based; lines are separated by LF (a CR before it
/// belongs to the line it ends), and `column` counts Unicode scalars, not
/// bytes, so it matches what an editor shows for non-ASCII text. Both are
/// computed only when an error is thrown, so they cost nothing on success.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public let line: Int
    public let column: Int
    public let offset: Int
    public let reason: String

    public init(line: Int, column: Int, offset: Int, reason: String) {
        self.line = line
        self.column = column
        self.offset = offset
        self.reason = reason
    }

    public var description: String { "line \(line), column \(column): \(reason)" }

    /// Whether the text was refused for repeating a key (`rejectingDuplicateKeys`).
    public var isDuplicateKey: Bool { reason.hasPrefix(Self.duplicateKeyReason) }

    static let duplicateKeyReason = "the object ending here repeats the key"
}

extension JSONValue {
    /// Parses one JSON text (RFC 8259, strictly) from UTF-8 bytes.
    ///
    /// - A number without fraction or exponent that fits `Int64` becomes
    ///   `.integer`; any other number becomes `.double` (so `2.0` stays a double).
    /// - When an object repeats a key, the last member wins. Keys are Swift
    ///   strings, so keys that are canonically equivalent (`"é"` precomposed
    ///   and decomposed) count as the same key. With `rejectingDuplicateKeys`,
    ///   a repeated key is an error instead (readers disagree on which one
    ///   wins, so a server should refuse it).
    /// - A byte order mark is rejected: RFC 8259 forbids writing one, and
    ///   accepting it would hide that the input is not plain JSON.
    /// - Containers nested more than `maximumDepth` deep are an error; the
    ///   parser does not recurse, so deep input cannot overflow the stack.
    public init(
        parsing bytes: some Collection<UInt8>, maximumDepth: Int = 1000, rejectingDuplicateKeys: Bool = false
    ) throws(JSONParseError) {
        let parse = { (buffer: UnsafeBufferPointer<UInt8>) in
            JSONValue.parse(buffer, maximumDepth: maximumDepth, rejectingDuplicateKeys: rejectingDuplicateKeys)
        }
        let result = bytes.withContiguousStorageIfAvailable(parse) ?? Array(bytes).withUnsafeBufferPointer(parse)
        self = try result.get()
    }

    /// Parses one JSON text from a string (see `init(parsing:maximumDepth:)` for bytes).
    public init(parsing text: String, maximumDepth: Int = 1000, rejectingDuplicateKeys: Bool = false) throws(JSONParseError) {
        var text = text
        let result = text.withUTF8 {
            JSONValue.parse($0, maximumDepth: maximumDepth, rejectingDuplicateKeys: rejectingDuplicateKeys)
        }
        self = try result.get()
    }

    /// A `Result`, because the standard library's `with...` helpers only rethrow untyped errors.
    static func parse(
        _ bytes: UnsafeBufferPointer<UInt8>, maximumDepth: Int, rejectingDuplicateKeys: Bool = false
    ) -> Result<JSONValue, JSONParseError> {
        var parser = JSONParser(bytes: bytes, maximumDepth: maximumDepth)
        parser.rejectsDuplicateKeys = rejectingDuplicateKeys
        do {
            return .success(try parser.parseDocument())
        } catch {
            return .failure(error)
        }
    }
}

// MARK: - The parser

/// ASCII bytes the parser looks at, by name.
private enum ASCII {
    static let tab: UInt8 = 0x09
    static let lineFeed: UInt8 = 0x0A
    static let carriageReturn: UInt8 = 0x0D
    static let space: UInt8 = 0x20
    static let quote: UInt8 = 0x22  // "
    static let apostrophe: UInt8 = 0x27  // '
    static let plus: UInt8 = 0x2B
    static let comma: UInt8 = 0x2C
    static let minus: UInt8 = 0x2D
    static let period: UInt8 = 0x2E
    static let slash: UInt8 = 0x2F
    static let zero: UInt8 = 0x30
    static let nine: UInt8 = 0x39
    static let colon: UInt8 = 0x3A
    static let backslash: UInt8 = 0x5C
    static let openBracket: UInt8 = 0x5B
    static let closeBracket: UInt8 = 0x5D
    static let openBrace: UInt8 = 0x7B
    static let closeBrace: UInt8 = 0x7D
    static let lowerE: UInt8 = 0x65
    static let lowerF: UInt8 = 0x66
    static let lowerN: UInt8 = 0x6E
    static let lowerT: UInt8 = 0x74
    static let lowerU: UInt8 = 0x75
    static let upperI: UInt8 = 0x49
    static let upperN: UInt8 = 0x4E
}

/// A container being parsed: where its elements (and, for objects, keys)
/// start on the parser's value and key stacks.
private struct OpenContainer {
    let isObject: Bool
    let firstValue: Int
    let firstKey: Int
}

/// A single-pass, non-recursive parser over UTF-8 bytes.
///
/// Finished values wait on `values` (and object keys on `keys`) until their
/// container closes; an explicit `containers` stack replaces recursion, so
/// nesting depth is bounded only by `maximumDepth`, never by the thread's stack.
private struct JSONParser {
    let bytes: UnsafeBufferPointer<UInt8>
    let end: Int
    let maximumDepth: Int
    var rejectsDuplicateKeys = false
    var index = 0
    var values: [JSONValue] = []
    var keys: [String] = []
    var containers: [OpenContainer] = []
    /// Reused buffer for strings with escapes.
    var scratch: [UInt8] = []

    init(bytes: UnsafeBufferPointer<UInt8>, maximumDepth: Int) {
        self.bytes = bytes
        self.end = bytes.count
        self.maximumDepth = maximumDepth
    }

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        if end >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            throw error("byte order mark (U+FEFF) is not allowed at the start of JSON text", at: 0)
        }
        let value = try parseValue()
        skipWhitespace()
        if index < end { throw error("unexpected text after the JSON value", at: index) }
        return value
    }

    // MARK: Structure

    /// Parses one value, containers included, looping instead of recursing.
    mutating func parseValue() throws(JSONParseError) -> JSONValue {
        nextValue: while true {
            skipWhitespace()
            guard index < end else { throw expected("expected a value") }
            var value: JSONValue
            switch bytes[index] {
            case ASCII.openBracket:
                try open(isObject: false)
                skipWhitespace()
                guard index < end, bytes[index] == ASCII.closeBracket else { continue nextValue }
                index += 1
                containers.removeLast()
                value = .array([])
            case ASCII.openBrace:
                try open(isObject: true)
                skipWhitespace()
                if index < end, bytes[index] == ASCII.closeBrace {
                    index += 1
                    containers.removeLast()
                    value = .object([:])
                } else {
                    try parseKey(expectation: "expected a string key or '}'")
                    continue nextValue
                }
            case ASCII.quote:
                value = .string(try parseString())
            case ASCII.lowerT:
                try parseLiteral("true")
                value = .bool(true)
            case ASCII.lowerF:
                try parseLiteral("false")
                value = .bool(false)
            case ASCII.lowerN:
                try parseLiteral("null")
                value = .null
            case ASCII.minus, ASCII.zero...ASCII.nine:
                value = try parseNumber()
            default:
                throw expected("expected a value" + hintForValueStart(bytes[index]))
            }
            // `value` is complete: hand it to its container, closing as many as end here.
            while let container = containers.last {
                values.append(value)
                skipWhitespace()
                let closer = container.isObject ? ASCII.closeBrace : ASCII.closeBracket
                guard index < end, bytes[index] == ASCII.comma || bytes[index] == closer else {
                    throw expected(
                        container.isObject
                            ? "expected ',' or '}' after an object member"
                            : "expected ',' or ']' after an array element")
                }
                index += 1
                if bytes[index - 1] == ASCII.comma {
                    try startNextMember(of: container)
                    continue nextValue
                }
                containers.removeLast()
                value = container.isObject ? try closeObject(container) : closeArray(container)
            }
            return value
        }
    }

    /// Opens an array or object at `index`, enforcing the depth limit.
    mutating func open(isObject: Bool) throws(JSONParseError) {
        if containers.count >= maximumDepth {
            throw error("nested more than \(maximumDepth) levels deep", at: index)
        }
        containers.append(OpenContainer(isObject: isObject, firstValue: values.count, firstKey: keys.count))
        index += 1
    }

    /// After a comma: rejects a trailing comma, and reads the next key of an object.
    mutating func startNextMember(of container: OpenContainer) throws(JSONParseError) {
        skipWhitespace()
        let closer = container.isObject ? ASCII.closeBrace : ASCII.closeBracket
        if index < end, bytes[index] == closer {
            throw error(
                (container.isObject ? "expected a string key" : "expected a value")
                    + " (trailing commas are not allowed)", at: index)
        }
        if container.isObject { try parseKey(expectation: "expected a string key") }
    }

    /// Reads `"key" :` (whitespace skipped before the key) and pushes the key.
    mutating func parseKey(expectation: String) throws(JSONParseError) {
        skipWhitespace()
        guard index < end, bytes[index] == ASCII.quote else { throw expected(expectation) }
        keys.append(try parseString())
        skipWhitespace()
        guard index < end, bytes[index] == ASCII.colon else { throw expected("expected ':' after an object key") }
        index += 1
    }

    mutating func closeArray(_ container: OpenContainer) -> JSONValue {
        let items = Array(values[container.firstValue...])
        values.removeLast(values.count - container.firstValue)
        return .array(items)
    }

    /// Builds the object (just after its `}`); assigning in order makes the
    /// last of duplicate keys win, unless they are refused.
    mutating func closeObject(_ container: OpenContainer) throws(JSONParseError) -> JSONValue {
        let count = values.count - container.firstValue
        var members = [String: JSONValue](minimumCapacity: count)
        for n in 0..<count {
            let key = keys[container.firstKey + n]
            if rejectsDuplicateKeys, members[key] != nil {
                throw error("\(JSONParseError.duplicateKeyReason) \"\(key)\"", at: index - 1)
            }
            members[key] = values[container.firstValue + n]
        }
        values.removeLast(count)
        keys.removeLast(count)
        return .object(members)
    }

    mutating func skipWhitespace() {
        while index < end {
            switch bytes[index] {
            case ASCII.space, ASCII.lineFeed, ASCII.carriageReturn, ASCII.tab: index += 1
            default: return
            }
        }
    }

    mutating func parseLiteral(_ literal: StaticString) throws(JSONParseError) {
        let start = index
        let expected = UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
        guard end - start >= expected.count else { throw error("expected '\(literal)'", at: start) }
        for (n, byte) in expected.enumerated() where bytes[start + n] != byte {
            throw error("expected '\(literal)'", at: start)
        }
        index += expected.count
    }

    /// A hint for common non-JSON syntax found where a value should start.
    func hintForValueStart(_ byte: UInt8) -> String {
        switch byte {
        case ASCII.apostrophe: return " (strings take double quotes)"
        case ASCII.slash: return " (comments are not allowed)"
        case ASCII.plus: return " (a number cannot start with '+')"
        case ASCII.upperN, ASCII.upperI: return " (NaN and Infinity are not allowed)"
        case ASCII.closeBracket, ASCII.closeBrace, ASCII.comma: return ", found '\(Character(Unicode.Scalar(byte)))'"
        default: return ""
        }
    }

    // MARK: Numbers

    /// Parses a number per RFC 8259's grammar.
    ///
    /// Integers that fit `Int64` are read exactly. Other numbers with at most
    /// 19 significant digits and a small decimal exponent are computed with one
    /// exact multiplication or division (Clinger's fast path, correctly rounded);
    /// the rest go through `Double(String)`, which is correctly rounded too.
    mutating func parseNumber() throws(JSONParseError) -> JSONValue {
        let start = index
        let negative = bytes[index] == ASCII.minus
        if negative { index += 1 }
        var mantissa: UInt64 = 0
        var significantDigits = 0
        var exponent = 0
        guard index < end, isDigit(bytes[index]) else { throw expected("expected a digit after '-'") }
        if bytes[index] == ASCII.zero {
            index += 1
            if index < end, isDigit(bytes[index]) {
                throw error("numbers cannot have leading zeros", at: index - 1)
            }
        } else {
            readDigits(into: &mantissa, count: &significantDigits, exponent: &exponent, isFraction: false)
        }
        var isInteger = true
        if index < end, bytes[index] == ASCII.period {
            isInteger = false
            index += 1
            guard index < end, isDigit(bytes[index]) else {
                throw expected("expected a digit after the decimal point")
            }
            readDigits(into: &mantissa, count: &significantDigits, exponent: &exponent, isFraction: true)
        }
        if index < end, bytes[index] | 0x20 == ASCII.lowerE {
            isInteger = false
            index += 1
            exponent += try parseExponent()
        }
        let exactMantissa = significantDigits <= 19
        if isInteger, exactMantissa, let integer = Self.int64(mantissa, negative: negative) {
            return .integer(integer)
        }
        if exactMantissa, let double = Self.fastDouble(mantissa, exponent: exponent, negative: negative) {
            return .double(double)
        }
        return .double(try slowDouble(from: start))
    }

    func isDigit(_ byte: UInt8) -> Bool { byte &- ASCII.zero < 10 }

    /// Accumulates up to 19 significant digits (all a UInt64 surely holds)
    /// into `mantissa`, lowering the decimal exponent for fraction digits.
    /// Past 19 digits `count` still grows, telling the caller the mantissa is
    /// inexact and the standard library must convert the text.
    mutating func readDigits(
        into mantissa: inout UInt64, count: inout Int, exponent: inout Int, isFraction: Bool
    ) {
        while index < end, isDigit(bytes[index]) {
            let digit = UInt64(bytes[index] &- ASCII.zero)
            if count >= 19 {
                count += 1
            } else {
                if mantissa != 0 || digit != 0 {
                    mantissa = mantissa &* 10 &+ digit
                    count += 1
                }
                if isFraction { exponent -= 1 }
            }
            index += 1
        }
    }

    /// Reads `[+-]digits` after 'e'; saturates so absurd exponents cannot overflow.
    mutating func parseExponent() throws(JSONParseError) -> Int {
        var negative = false
        if index < end, bytes[index] == ASCII.minus || bytes[index] == ASCII.plus {
            negative = bytes[index] == ASCII.minus
            index += 1
        }
        guard index < end, isDigit(bytes[index]) else { throw expected("expected a digit in the exponent") }
        var value = 0
        while index < end, isDigit(bytes[index]) {
            value = min(value * 10 + Int(bytes[index] &- ASCII.zero), 1_000_000)
            index += 1
        }
        return negative ? -value : value
    }

    static func int64(_ magnitude: UInt64, negative: Bool) -> Int64? {
        if negative {
            return magnitude <= UInt64(Int64.max) + 1 ? Int64(truncatingIfNeeded: 0 &- magnitude) : nil
        }
        return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
    }

    /// Exact powers of ten that a Double holds without rounding.
    static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// Clinger's fast path: both operands exact, so one IEEE operation rounds correctly.
    static func fastDouble(_ mantissa: UInt64, exponent: Int, negative: Bool) -> Double? {
        guard mantissa <= 1 << 53, (-22...22).contains(exponent) else { return nil }
        var value = Double(mantissa)
        if exponent >= 0 {
            value *= powersOfTen[exponent]
        } else {
            value /= powersOfTen[-exponent]
        }
        return negative ? -value : value
    }

    /// Converts the number's text with the standard library (already validated as JSON syntax).
    func slowDouble(from start: Int) throws(JSONParseError) -> Double {
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            throw error("number out of range", at: start)
        }
        return value
    }

    // MARK: Strings

    /// Parses a string at the opening quote. Unescaped strings become a
    /// `String` straight from the input bytes; others go through `scratch`.
    mutating func parseString() throws(JSONParseError) -> String {
        let quote = index
        index += 1
        let contentStart = index
        while true {
            skipPlainASCII()
            guard index < end else { throw error("unterminated string", at: quote) }
            let byte = bytes[index]
            if byte == ASCII.quote {
                index += 1
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[contentStart..<index - 1]), as: UTF8.self)
            } else if byte == ASCII.backslash {
                return try parseEscapedString(quote: quote, contentStart: contentStart)
            } else if byte < 0x20 {
                throw controlCharacterError()
            } else {
                try skipUTF8Scalar()
            }
        }
    }

    /// The rest of a string that has escapes, decoded into `scratch`.
    mutating func parseEscapedString(quote: Int, contentStart: Int) throws(JSONParseError) -> String {
        scratch.removeAll(keepingCapacity: true)
        var runStart = contentStart
        while true {
            skipPlainASCII()
            guard index < end else { throw error("unterminated string", at: quote) }
            let byte = bytes[index]
            if byte == ASCII.quote || byte == ASCII.backslash {
                scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                if byte == ASCII.quote {
                    index += 1
                    return String(decoding: scratch, as: UTF8.self)
                }
                try parseEscape(quote: quote)
                runStart = index
            } else if byte < 0x20 {
                throw controlCharacterError()
            } else {
                try skipUTF8Scalar()
            }
        }
    }

    /// Skips string bytes that need no attention (printable ASCII other than
    /// `"` and `\`), eight at a time while it can.
    mutating func skipPlainASCII() {
        let base = bytes.baseAddress!  // non-nil: only called inside a string, so the input is not empty
        while end - index >= 8 {
            let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
            if Self.needsAttention(word) { break }
            index += 8
        }
        while index < end {
            let byte = bytes[index]
            if byte < 0x20 || byte >= 0x80 || byte == ASCII.quote || byte == ASCII.backslash { return }
            index += 1
        }
    }

    /// Whether any of eight bytes is a quote, a backslash, a control character or non-ASCII.
    static func needsAttention(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        func hasZeroByte(_ x: UInt64) -> Bool { (x &- ones) & ~x & highs != 0 }
        let hasControl = (word &- ones &* 0x20) & ~word & highs != 0
        return word & highs != 0 || hasControl
            || hasZeroByte(word ^ (ones &* UInt64(ASCII.quote)))
            || hasZeroByte(word ^ (ones &* UInt64(ASCII.backslash)))
    }

    /// Decodes the escape at `index` (a backslash) into `scratch`.
    mutating func parseEscape(quote: Int) throws(JSONParseError) {
        let backslash = index
        guard index + 1 < end else { throw error("unterminated string", at: quote) }
        let letter = bytes[index + 1]
        index += 2
        switch letter {
        case ASCII.quote, ASCII.backslash, ASCII.slash: scratch.append(letter)
        case 0x62: scratch.append(0x08)  // b
        case 0x66: scratch.append(0x0C)  // f
        case 0x6E: scratch.append(0x0A)  // n
        case 0x72: scratch.append(0x0D)  // r
        case 0x74: scratch.append(0x09)  // t
        case ASCII.lowerU:
            index = backslash
            appendUTF8(of: try parseUnicodeEscape())
        case 0x21..<0x7F:
            throw error("invalid escape '\\\(Character(Unicode.Scalar(letter)))'", at: backslash)
        default:
            throw error("invalid escape: '\\' followed by \(describe(at: backslash + 1))", at: backslash)
        }
    }

    /// Reads `\uXXXX`, or a surrogate pair `\uD8xx\uDCxx`, at `index`.
    mutating func parseUnicodeEscape() throws(JSONParseError) -> Unicode.Scalar {
        let first = index
        let unit = try parseHexEscape()
        switch unit {
        case 0xD800...0xDBFF:
            let second = index
            let isEscape = end - second >= 2 && bytes[second] == ASCII.backslash && bytes[second + 1] == ASCII.lowerU
            let low = isEscape ? try parseHexEscape() : 0
            guard (0xDC00...0xDFFF).contains(low) else {
                throw error("high surrogate '\\u\(Self.hex(unit))' not followed by a low surrogate", at: first)
            }
            return Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))!
        case 0xDC00...0xDFFF:
            throw error("low surrogate '\\u\(Self.hex(unit))' without a high surrogate before it", at: first)
        default:
            return Unicode.Scalar(unit)!
        }
    }

    /// Reads the four hex digits of `\uXXXX` at `index`.
    mutating func parseHexEscape() throws(JSONParseError) -> UInt32 {
        let backslash = index
        index += 2
        var unit: UInt32 = 0
        for _ in 0..<4 {
            guard index < end, let digit = Self.hexValue(bytes[index]) else {
                throw error("expected 4 hex digits after '\\u'", at: backslash)
            }
            unit = unit << 4 | digit
            index += 1
        }
        return unit
    }

    static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case 0x30...0x39: return UInt32(byte - 0x30)
        case 0x41...0x46: return UInt32(byte - 0x41 + 10)
        case 0x61...0x66: return UInt32(byte - 0x61 + 10)
        default: return nil
        }
    }

    static func hex(_ unit: UInt32) -> String {
        let digits = String(unit, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    mutating func appendUTF8(of scalar: Unicode.Scalar) {
        UTF8.encode(scalar) { scratch.append($0) }
    }

    // MARK: UTF-8

    /// Steps over one well-formed multi-byte UTF-8 sequence at `index`, or throws.
    mutating func skipUTF8Scalar() throws(JSONParseError) {
        guard let length = utf8SequenceLength(at: index) else {
            throw error("invalid UTF-8", at: index)
        }
        index += length
    }

    /// The length of the well-formed UTF-8 sequence at `offset` (Unicode
    /// Table 3-7: no overlong forms, surrogates or values past U+10FFFF), or nil.
    func utf8SequenceLength(at offset: Int) -> Int? {
        let lead = bytes[offset]
        let length: Int
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; secondRange = 0xA0...0xBF
        case 0xED: length = 3; secondRange = 0x80...0x9F
        case 0xE1...0xEF: length = 3
        case 0xF0: length = 4; secondRange = 0x90...0xBF
        case 0xF4: length = 4; secondRange = 0x80...0x8F
        case 0xF1...0xF3: length = 4
        default: return nil
        }
        guard end - offset >= length, secondRange.contains(bytes[offset + 1]) else { return nil }
        for n in 2..<length where bytes[offset + n] & 0xC0 != 0x80 { return nil }
        return length
    }

    // MARK: Errors

    func controlCharacterError() -> JSONParseError {
        error("unescaped control character \(describe(at: index)) in string", at: index)
    }

    /// An error at `index` for when something else was expected: at the end
    /// of input it says so, and invalid UTF-8 is reported as such.
    func expected(_ expectation: String) -> JSONParseError {
        if index >= end { return error("unexpected end of input, \(expectation)", at: index) }
        if bytes[index] >= 0x80, utf8SequenceLength(at: index) == nil { return error("invalid UTF-8", at: index) }
        return error(expectation, at: index)
    }

    /// The character at `offset` for a message: `U+XXXX`, or `byte 0xXX` if it is not UTF-8.
    func describe(at offset: Int) -> String {
        let byte = bytes[offset]
        if byte < 0x80 { return "U+\(Self.hex(UInt32(byte)))" }
        guard let length = utf8SequenceLength(at: offset) else {
            return "byte 0x" + String(byte, radix: 16, uppercase: true)
        }
        let scalar = String(decoding: UnsafeBufferPointer(rebasing: bytes[offset..<offset + length]), as: UTF8.self)
        return "U+\(Self.hex(scalar.unicodeScalars.first!.value))"
    }

    /// Builds an error, computing line and column (in Unicode scalars) from the offset.
    func error(_ reason: String, at offset: Int) -> JSONParseError {
        var line = 1
        var column = 1
        for byte in UnsafeBufferPointer(rebasing: bytes[0..<min(offset, end)]) {
            if byte == ASCII.lineFeed {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return JSONParseError(line: line, column: column, offset: offset, reason: reason)
    }
}
