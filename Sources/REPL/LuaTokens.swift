/// One token of Lua source, as far as the prompt needs to know: where the
/// top-level `local`s are (``PromptLocals``), and what completion is inside
/// (a string, a table constructor, a call's arguments).
struct LuaToken: Equatable {
    enum Kind: Equatable {
        case name
        case keyword
        case number
        /// A string literal, short or long; `finished` false when the source
        /// ends inside it.
        case string(finished: Bool)
        /// Operators and punctuation: `(`, `{`, `..`, `==`, `<` ...
        case symbol
    }

    let kind: Kind
    /// Where it is in the source (bytes).
    let range: Range<Int>
    /// Its text (for a string, with its quotes).
    let text: String
}

/// Lua's lexer, forgiving: it never fails, and a comment or string the
/// source ends inside simply ends there. Comments are skipped.
enum LuaTokens {
    static let keywords: Set<String> = [
        "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if", "in", "local", "nil",
        "not", "or", "repeat", "return", "then", "true", "until", "while",
    ]

    /// Operators of two or three characters, longest first.
    static let longSymbols = ["...", "..", "==", "~=", "<=", ">=", "<<", ">>", "//", "::"].map { Array($0.utf8) }

    static func isNameStart(_ c: UInt8) -> Bool { (97...122).contains(c) || (65...90).contains(c) || c == 95 }
    static func isNameByte(_ c: UInt8) -> Bool { isNameStart(c) || (48...57).contains(c) }
    static func isIdentifier(_ s: String) -> Bool {
        guard let first = s.utf8.first, isNameStart(first) else { return false }
        return s.utf8.allSatisfy(isNameByte) && !keywords.contains(s)
    }

    static func scan(_ source: [UInt8]) -> [LuaToken] {
        var tokens: [LuaToken] = []
        var i = 0
        let n = source.count
        func token(_ kind: LuaToken.Kind, from start: Int) {
            tokens.append(LuaToken(kind: kind, range: start..<i, text: String(decoding: source[start..<i], as: UTF8.self)))
        }
        while i < n {
            let c = source[i]
            let start = i
            if c == 32 || (9...13).contains(c) {
                i += 1
            } else if c == 45, i + 1 < n, source[i + 1] == 45 {  // a comment
                i += 2
                if let level = longBracketLevel(source, at: i) {
                    i = endOfLongBracket(source, from: i + level + 2, level: level).end
                } else {
                    while i < n && source[i] != 10 { i += 1 }
                }
            } else if c == 91, let level = longBracketLevel(source, at: i) {  // [[ ... ]]
                let end = endOfLongBracket(source, from: i + level + 2, level: level)
                i = end.end
                token(.string(finished: end.finished), from: start)
            } else if c == 34 || c == 39 {  // "..." or '...'
                i += 1
                var finished = false
                while i < n {
                    if source[i] == 92 {
                        i += 2
                    } else if source[i] == c {
                        i += 1
                        finished = true
                        break
                    } else if source[i] == 10 {
                        break
                    } else {
                        i += 1
                    }
                }
                i = min(i, n)
                token(.string(finished: finished), from: start)
            } else if (48...57).contains(c) || (c == 46 && i + 1 < n && (48...57).contains(source[i + 1])) {
                i += 1
                while i < n {
                    let d = source[i]
                    if (d == 43 || d == 45), [69, 101, 80, 112].contains(source[i - 1]) {  // 1e-5, 0x1p+4
                        i += 1
                    } else if isNameByte(d) || d == 46 {
                        i += 1
                    } else {
                        break
                    }
                }
                token(.number, from: start)
            } else if isNameStart(c) {
                while i < n && isNameByte(source[i]) { i += 1 }
                let text = String(decoding: source[start..<i], as: UTF8.self)
                tokens.append(LuaToken(kind: keywords.contains(text) ? .keyword : .name, range: start..<i, text: text))
            } else {
                let long = longSymbols.first { s in i + s.count <= n && Array(source[i..<(i + s.count)]) == s }
                i += long?.count ?? 1
                token(.symbol, from: start)
            }
        }
        return tokens
    }

    /// The level of a long bracket opening at `i` (`[[` 0, `[==[` 2), or nil.
    static func longBracketLevel(_ source: [UInt8], at i: Int) -> Int? {
        guard i < source.count, source[i] == 91 else { return nil }
        var j = i + 1
        while j < source.count && source[j] == 61 { j += 1 }
        return j < source.count && source[j] == 91 ? j - i - 1 : nil
    }

    /// Where the long bracket of `level` closes after `from` (past its `]=*]`).
    static func endOfLongBracket(_ source: [UInt8], from: Int, level: Int) -> (end: Int, finished: Bool) {
        var i = from
        while i < source.count {
            if source[i] == 93 {
                var j = i + 1
                while j < source.count && source[j] == 61 { j += 1 }
                if j < source.count && source[j] == 93 && j - i - 1 == level { return (j + 1, true) }
            }
            i += 1
        }
        return (source.count, false)
    }
}
