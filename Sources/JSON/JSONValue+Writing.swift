extension JSONValue {
    /// The JSON text of this value; see `write(into:pretty:)` for the format.
    public func encoded(pretty: Bool = false) -> String {
        String(decoding: encodedBytes(pretty: pretty), as: UTF8.self)
    }

    /// The JSON text of this value as UTF-8 bytes; see `write(into:pretty:)` for the format.
    public func encodedBytes(pretty: Bool = false) -> [UInt8] {
        var output: [UInt8] = []
        write(into: &output, pretty: pretty)
        return output
    }

    /// Appends the JSON text of this value to `output`.
    ///
    /// - Object keys are sorted by the bytes of their UTF-8, so the same value
    ///   always gives the same text.
    /// - Compact form has no whitespace at all; pretty form indents by two
    ///   spaces, writes `"key": value`, one member or element per line, keeps
    ///   `[]` and `{}` on one line, and ends without a newline.
    /// - Strings escape only `"`, `\` and control characters; `/` and
    ///   non-ASCII characters are written as they are.
    /// - Doubles use Swift's shortest round-tripping form, which always has a
    ///   `.` or an exponent (`2.0`, `1e+20`), so they parse back as doubles.
    ///   NaN and infinities have no JSON form and are written as `null`.
    public func write(into output: inout [UInt8], pretty: Bool = false) {
        if pretty {
            JSONWriter.writePretty(self, indent: 0, into: &output)
        } else {
            JSONWriter.writeCompact(self, into: &output)
        }
    }
}

/// The writing routines; compact and pretty are separate so the compact one,
/// the common case, carries no layout branches.
enum JSONWriter {
    static func writeCompact(_ value: JSONValue, into output: inout [UInt8]) {
        switch value {
        case .array(let items):
            output.append(UInt8(ascii: "["))
            for (n, item) in items.enumerated() {
                if n > 0 { output.append(UInt8(ascii: ",")) }
                writeCompact(item, into: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            for (n, member) in sortedMembers(members).enumerated() {
                if n > 0 { output.append(UInt8(ascii: ",")) }
                writeString(member.key, into: &output)
                output.append(UInt8(ascii: ":"))
                writeCompact(member.value, into: &output)
            }
            output.append(UInt8(ascii: "}"))
        default:
            writeScalar(value, into: &output)
        }
    }

    static func writePretty(_ value: JSONValue, indent: Int, into output: inout [UInt8]) {
        switch value {
        case .array(let items) where !items.isEmpty:
            output.append(UInt8(ascii: "["))
            for (n, item) in items.enumerated() {
                if n > 0 { output.append(UInt8(ascii: ",")) }
                newline(indent: indent + 1, into: &output)
                writePretty(item, indent: indent + 1, into: &output)
            }
            newline(indent: indent, into: &output)
            output.append(UInt8(ascii: "]"))
        case .object(let members) where !members.isEmpty:
            output.append(UInt8(ascii: "{"))
            for (n, member) in sortedMembers(members).enumerated() {
                if n > 0 { output.append(UInt8(ascii: ",")) }
                newline(indent: indent + 1, into: &output)
                writeString(member.key, into: &output)
                output.append(UInt8(ascii: ":"))
                output.append(UInt8(ascii: " "))
                writePretty(member.value, indent: indent + 1, into: &output)
            }
            newline(indent: indent, into: &output)
            output.append(UInt8(ascii: "}"))
        default:
            writeCompact(value, into: &output)
        }
    }

    static func newline(indent: Int, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\n"))
        output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * indent))
    }

    /// Writes a value that is neither an array nor an object.
    static func writeScalar(_ value: JSONValue, into output: inout [UInt8]) {
        switch value {
        case .null: output.append(contentsOf: "null".utf8)
        case .bool(let b): output.append(contentsOf: (b ? "true" : "false").utf8)
        case .integer(let i): writeInteger(i, into: &output)
        case .double(let d): writeDouble(d, into: &output)
        case .string(let s): writeString(s, into: &output)
        case .array, .object: writeCompact(value, into: &output)
        }
    }

    /// Members in byte order of their keys' UTF-8. Swift's `<` on strings
    /// compares canonically (after normalization), which is not a byte order.
    static func sortedMembers(_ members: [String: JSONValue]) -> [(key: String, value: JSONValue)] {
        if members.count < 2 { return Array(members) }
        return members.sorted { utf8Precedes($0.key, $1.key) }
    }

    static func utf8Precedes(_ a: String, _ b: String) -> Bool {
        let result = a.utf8.withContiguousStorageIfAvailable { a in
            b.utf8.withContiguousStorageIfAvailable { b in a.lexicographicallyPrecedes(b) }
        }
        return (result ?? nil) ?? a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    /// Decimal digits written straight into the output, with no intermediate String.
    static func writeInteger(_ value: Int64, into output: inout [UInt8]) {
        if value < 0 { output.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        let start = output.count
        repeat {
            output.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
        } while magnitude != 0
        output[start...].reverse()
    }

    static func writeDouble(_ value: Double, into output: inout [UInt8]) {
        guard value.isFinite else {
            output.append(contentsOf: "null".utf8)
            return
        }
        let text = value.description
        output.append(contentsOf: text.utf8)
        // Swift always writes a '.' or an exponent; should that ever change,
        // keep the number a double on the way back.
        if !text.utf8.contains(where: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") }) {
            output.append(contentsOf: ".0".utf8)
        }
    }

    static func writeString(_ string: String, into output: inout [UInt8]) {
        let done: Void? = string.utf8.withContiguousStorageIfAvailable { writeEscaped($0, into: &output) }
        if done == nil {
            var copy = string
            copy.withUTF8 { writeEscaped($0, into: &output) }
        }
    }

    /// Writes a quoted string, appending unescaped runs in one piece.
    static func writeEscaped(_ bytes: UnsafeBufferPointer<UInt8>, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var runStart = 0
        for (index, byte) in bytes.enumerated() where byte < 0x20 || byte == 0x22 || byte == 0x5C {
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
            writeEscape(for: byte, into: &output)
            runStart = index + 1
        }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
        output.append(UInt8(ascii: "\""))
    }

    static func writeEscape(for byte: UInt8, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\\"))
        switch byte {
        case 0x22: output.append(UInt8(ascii: "\""))
        case 0x5C: output.append(UInt8(ascii: "\\"))
        case 0x08: output.append(UInt8(ascii: "b"))
        case 0x0C: output.append(UInt8(ascii: "f"))
        case 0x0A: output.append(UInt8(ascii: "n"))
        case 0x0D: output.append(UInt8(ascii: "r"))
        case 0x09: output.append(UInt8(ascii: "t"))
        default:
            let hexDigits: StaticString = "0123456789abcdef"
            output.append(contentsOf: "u00".utf8)
            output.append(hexDigits.utf8Start[Int(byte >> 4)])
            output.append(hexDigits.utf8Start[Int(byte & 0xF)])
        }
    }
}
