#if canImport(Glibc)
import Glibc
#endif
import LuaKit

/// Tab completion at the prompt (docs/prompt.md, "Completion"): keywords
/// and globals, the fields of tables along a dotted path (`jobruns.cr` →
/// `jobruns.create`, `t.e` → `t["end"]`), also through `__index` tables, and
/// methods after `:`; the fields a function's table argument takes and the
/// ids seen, from ``LuaCompletionHints``. It reads tables raw: completing
/// never runs Lua code.
public final class Completer {
    let stack: LuaStack

    public init(stack: LuaStack) {
        self.stack = stack
    }

    /// The reader's completer, reached from libedit's C callback.
    nonisolated(unsafe) static var current: Completer?

    /// The whole words that complete `word` (the end of `line`, as libedit
    /// cut it): inside a string, the ids the session has seen; at a key of a
    /// table a function takes, its fields (`assignee = `); else names.
    public func candidates(line: String, word: String) -> [String] {
        let top = stack.top
        defer { stack.top = top }
        let source = Array(line.utf8)
        let tokens = LuaTokens.scan(source)
        if let last = tokens.last, last.kind == .string(finished: false) {
            return seenWords(completing: Self.stringContent(last.text), word: word)
        }
        let name = Self.trailingName(source)
        let lead = word.hasSuffix(name) ? String(word.dropLast(name.count)) : ""
        if !name.contains(where: { $0 == "." || $0 == ":" }),
            let fields = tableFields(tokens: name.isEmpty ? tokens : Array(tokens.dropLast()))
        {
            return fields.filter { $0.hasPrefix(name) }.map { lead + $0 + " = " }
        }
        return names(completing: name).map { lead + $0 }
    }

    /// The ids seen that begin with `typed`, cut to the part libedit replaces (`word`).
    func seenWords(completing typed: String, word: String) -> [String] {
        guard typed.hasSuffix(word) else { return [] }
        let cut = typed.utf8.count - word.utf8.count
        return LuaCompletionHints.seenWords(in: stack).filter { $0.hasPrefix(typed) }.map {
            String(decoding: $0.utf8.dropFirst(cut), as: UTF8.self)
        }
    }

    /// Globals and keywords; after `a.b.` or `a:`, the fields of the table it names.
    func names(completing word: String) -> [String] {
        let separator = word.lastIndex { $0 == "." || $0 == ":" }
        guard let separator else {
            stack.pushGlobalTable()
            let names = keys(ofTableAt: stack.top, functionsOnly: false).filter(LuaTokens.isIdentifier) + LuaTokens.keywords.sorted()
            return Set(names.filter { $0.hasPrefix(word) }).sorted()
        }
        let base = String(word[..<separator])
        let partial = String(word[word.index(after: separator)...])
        let isMethod = word[separator] == ":"
        guard resolve(base) else { return [] }
        let fields = keys(ofTableAt: stack.top, functionsOnly: isMethod).filter { $0.hasPrefix(partial) }
        return Set(fields).sorted().compactMap { key in
            if LuaTokens.isIdentifier(key) { return base + String(word[separator]) + key }
            // t.end cannot be written: t["end"] (and keys that are not names)
            return isMethod || !Self.isPlainText(key) ? nil : base + "[\"" + key + "\"]"
        }
    }

    /// At a key of a table constructor that is an argument of a function
    /// with recorded fields (`jobruns.sendTask{ ass`, `jobruns.create(run,
    /// jobs, { rel`): those fields, less the keys already given. `tokens`
    /// end before the word being completed.
    func tableFields(tokens: [LuaToken]) -> [String]? {
        guard let previous = tokens.last, ["{", ",", ";"].contains(previous.text) else { return nil }
        var open: [Int] = []  // the unclosed brackets
        for (i, token) in tokens.enumerated() where token.kind == .symbol {
            switch token.text {
            case "(", "{", "[": open.append(i)
            case ")", "}", "]": _ = open.popLast()
            default: break
            }
        }
        guard let brace = open.last, tokens[brace].text == "{", brace > 0 else { return nil }
        var given: Set<String> = []
        var depth = 0
        for i in (brace + 1)..<tokens.count {
            switch tokens[i].text {
            case "(", "{", "[": depth += 1
            case ")", "}", "]": depth -= 1
            case "=" where depth == 0 && tokens[i - 1].kind == .name: given.insert(tokens[i - 1].text)
            default: break
            }
        }
        var callee = brace - 1  // the end of the function's name
        var argument = 1
        if tokens[callee].text == "(" || tokens[callee].text == "," {
            guard open.count >= 2, tokens[open[open.count - 2]].text == "(" else { return nil }
            let paren = open[open.count - 2]
            depth = 0
            for token in tokens[(paren + 1)..<brace] {
                switch token.text {
                case "(", "{", "[": depth += 1
                case ")", "}", "]": depth -= 1
                case "," where depth == 0: argument += 1
                default: break
                }
            }
            callee = paren - 1
        }
        guard callee >= 0, tokens[callee].kind == .name else { return nil }
        var path = [tokens[callee].text]
        var i = callee - 1
        while i >= 1, tokens[i].text == "." || tokens[i].text == ":", tokens[i - 1].kind == .name {
            if tokens[i].text == ":" {
                guard path.count == 1 else { return nil }
                argument += 1  // self
            }
            path.insert(tokens[i - 1].text, at: 0)
            i -= 2
        }
        guard resolve(path.dropLast().joined(separator: "."), allowingEmpty: true),
            lookUp(path.last!, inTableAt: stack.top), stack.type(at: -1) == .function
        else { return nil }
        let fields = LuaCompletionHints.fields(ofFunctionAt: -1, argument: argument, in: stack)
        return fields.isEmpty ? nil : fields.filter { !given.contains($0) }
    }

    /// The name being typed at the end of `source`: `jobruns.cr`, `s:up`, or "".
    static func trailingName(_ source: [UInt8]) -> String {
        var start = source.count
        while start > 0, LuaTokens.isNameByte(source[start - 1]) || source[start - 1] == 46 || source[start - 1] == 58 {
            start -= 1
        }
        return String(decoding: source[start...], as: UTF8.self)
    }

    /// What an unfinished string literal holds so far (after `"`, `'` or `[[`).
    static func stringContent(_ literal: String) -> String {
        let bytes = Array(literal.utf8)
        if let level = LuaTokens.longBracketLevel(bytes, at: 0) {
            return String(decoding: bytes.dropFirst(level + 2), as: UTF8.self)
        }
        return String(decoding: bytes.dropFirst(), as: UTF8.self)
    }

    /// A key that can stand in `t["..."]` as it is.
    static func isPlainText(_ key: String) -> Bool {
        !key.isEmpty && key.utf8.allSatisfy { (32...126).contains($0) && $0 != 34 && $0 != 92 }
    }

    /// Pushes the table `path` names (`jobruns`, `a.b.c`; a string's methods
    /// for a string value); false if it names none.
    func resolve(_ path: String, allowingEmpty: Bool = false) -> Bool {
        stack.pushGlobalTable()
        if allowingEmpty && path.isEmpty { return true }
        for name in path.split(separator: ".", omittingEmptySubsequences: false) {
            guard !name.isEmpty, lookUp(String(name), inTableAt: stack.top) else { return false }
            stack.remove(at: -2)
        }
        if stack.type(at: -1) == .string {  // s:up<TAB>: the string library
            stack.pop()
            stack.getGlobal("string")
        }
        return stack.type(at: -1) == .table
    }

    /// Pushes `table[name]`, following `__index` tables; false (nothing pushed) if absent.
    func lookUp(_ name: String, inTableAt index: Int32) -> Bool {
        guard stack.type(at: index) == .table else { return false }
        stack.pushValue(at: index)
        for _ in 0..<8 {
            if stack.rawGet(-1, key: name) != .nil {
                stack.remove(at: -2)
                return true
            }
            stack.pop()
            guard pushIndexTable(ofTableAt: -1) else { break }
            stack.remove(at: -2)
        }
        stack.pop()
        return false
    }

    /// Pushes the `__index` table of the table at `index`, when its metatable
    /// has one; false (nothing pushed) otherwise.
    func pushIndexTable(ofTableAt index: Int32) -> Bool {
        guard stack.getMetatable(index) else { return false }
        if stack.rawGet(-1, key: "__index") == .table {
            stack.remove(at: -2)  // the metatable
            return true
        }
        stack.pop(2)
        return false
    }

    /// The string keys of the table at `index` and of its `__index` tables.
    func keys(ofTableAt index: Int32, functionsOnly: Bool) -> [String] {
        var names: [String] = []
        stack.pushValue(at: index)
        for _ in 0..<8 {
            stack.pushNil()
            while stack.next(-2) {
                if stack.type(at: -2) == .string, let key = stack.string(at: -2),
                    !functionsOnly || stack.type(at: -1) == .function
                {
                    names.append(key)
                }
                stack.pop()
            }
            guard pushIndexTable(ofTableAt: -1) else { break }
            stack.remove(at: -2)
        }
        stack.pop()
        return names
    }

    /// A NULL-terminated, malloc'd array of malloc'd strings, as libedit wants.
    static func cArray(_ words: [String]) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
        guard !words.isEmpty else { return nil }
        let bytes = MemoryLayout<UnsafeMutablePointer<CChar>?>.stride * (words.count + 1)
        guard let raw = malloc(bytes) else { return nil }
        let array = raw.bindMemory(to: UnsafeMutablePointer<CChar>?.self, capacity: words.count + 1)
        for (i, word) in words.enumerated() { array[i] = strdup(word) }
        array[words.count] = nil
        return array
    }
}
