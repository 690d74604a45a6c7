#if canImport(Glibc)
import Glibc
#endif
import LuaKit

/// Tab completion of Lua names at the prompt: keywords and globals, then the
/// fields of tables along a dotted path (`jobruns.cr` → `jobruns.create`),
/// also through `__index` tables, and methods after `:`. It reads tables raw:
/// completing never runs Lua code.
public final class Completer {
    let stack: LuaStack

    public init(stack: LuaStack) {
        self.stack = stack
    }

    /// The reader's completer, reached from libedit's C callback.
    nonisolated(unsafe) static var current: Completer?

    static let keywords = [
        "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if", "in", "local", "nil",
        "not", "or", "repeat", "return", "then", "true", "until", "while",
    ]

    /// The whole words that complete `word` (the end of `line`).
    public func candidates(line: String, word: String) -> [String] {
        let top = stack.top
        defer { stack.top = top }
        let separator = word.lastIndex { $0 == "." || $0 == ":" }
        guard let separator else {
            stack.pushGlobalTable()
            let names = keys(ofTableAt: stack.top, functionsOnly: false) + Self.keywords
            return Set(names.filter { $0.hasPrefix(word) }).sorted()
        }
        let base = String(word[..<separator])
        let partial = String(word[word.index(after: separator)...])
        let isMethod = word[separator] == ":"
        guard resolve(base) else { return [] }
        let fields = keys(ofTableAt: stack.top, functionsOnly: isMethod)
        return Set(fields.filter { $0.hasPrefix(partial) }).sorted().map { base + String(word[separator]) + $0 }
    }

    /// Pushes the table `path` names (`jobruns`, `a.b.c`; a string's methods
    /// for a string value); false if it names none.
    func resolve(_ path: String) -> Bool {
        stack.pushGlobalTable()
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

    /// The identifier keys of the table at `index` and of its `__index` tables.
    func keys(ofTableAt index: Int32, functionsOnly: Bool) -> [String] {
        var names: [String] = []
        stack.pushValue(at: index)
        for _ in 0..<8 {
            stack.pushNil()
            while stack.next(-2) {
                if stack.type(at: -2) == .string, let key = stack.string(at: -2), Self.isIdentifier(key),
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

    static func isIdentifier(_ s: String) -> Bool {
        guard let first = s.utf8.first, !(48...57).contains(first) else { return false }
        return s.utf8.allSatisfy { (97...122).contains($0) || (65...90).contains($0) || (48...57).contains($0) || $0 == 95 }
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
