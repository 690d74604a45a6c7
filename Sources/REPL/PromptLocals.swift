/// Top-level `local`s that outlive their line at the prompt. Each input is
/// its own chunk, so `local run = ...` would be gone on the next line
/// (lua.c's behaviour). The prompt drops the `local` of a statement at the
/// top level of its input, so the names become variables of the prompt's
/// own environment (``PromptSession``), declared there before the input
/// runs: later lines, and functions defined at the prompt, see and assign
/// them. Locals inside blocks and functions are untouched.
///
/// Limits: `local x <close>` stays a true local (it is closed at the end of
/// its line, as Lua says); `<const>` is not enforced after its line; a
/// `goto` may jump into the scope of such a name.
enum PromptLocals {
    /// `source` with its top-level locals made prompt variables, and their names.
    static func rewrite(_ source: [UInt8]) -> (code: [UInt8], names: [String]) {
        let tokens = LuaTokens.scan(source)
        var edits: [(range: Range<Int>, replacement: String)] = []
        var names: [String] = []
        var depth = 0
        var i = 0
        while i < tokens.count {
            let token = tokens[i]
            if token.kind == .keyword {
                switch token.text {
                case "function", "do", "if", "repeat": depth += 1
                case "end", "until": depth = max(0, depth - 1)
                case "local" where depth == 0:
                    if let statement = localStatement(tokens, at: i) {
                        edits += statement.edits
                        names += statement.names
                    }
                default: break
                }
            }
            i += 1
        }
        guard !edits.isEmpty else { return (source, []) }
        var code = source
        for edit in edits.reversed() {
            code.replaceSubrange(edit.range, with: Array(edit.replacement.utf8))
        }
        return (code, names)
    }

    /// The edits that make the `local` statement at `start` assign prompt
    /// variables: nil when it is not one to change (`<close>`, or not
    /// well-formed: Lua then reports the mistake as written).
    static func localStatement(_ tokens: [LuaToken], at start: Int) -> (edits: [(range: Range<Int>, replacement: String)], names: [String])? {
        var edits: [(range: Range<Int>, replacement: String)] = [(tokens[start].range, "")]
        var i = start + 1
        guard i < tokens.count else { return nil }
        if tokens[i].text == "function" {  // local function f: function f
            guard i + 1 < tokens.count, tokens[i + 1].kind == .name else { return nil }
            return (edits, [tokens[i + 1].text])
        }
        var names: [String] = []
        while true {
            guard i < tokens.count, tokens[i].kind == .name else { return nil }
            names.append(tokens[i].text)
            i += 1
            if i < tokens.count, tokens[i].text == "<" {
                guard i + 2 < tokens.count, tokens[i + 1].text == "const", tokens[i + 2].text == ">" else { return nil }
                edits.append((tokens[i].range.lowerBound..<tokens[i + 2].range.upperBound, ""))
                i += 3
            }
            guard i < tokens.count, tokens[i].text == "," else { break }
            i += 1
        }
        if i >= tokens.count || tokens[i].text != "=" {
            // `local a, b` gives them nil: `a, b = nil`
            let end = tokens[i - 1].range.upperBound
            edits.append((end..<end, " = nil"))
        }
        return (edits, names)
    }
}
