import Foundation

// embed-lua OUTPUT FILE.lua...: the EmbedLua build plugin's tool. Writes
// OUTPUT, a Swift file with one raw string literal per Lua file, named after
// the file in lowerCamelCase (tree_walkers.lua -> EmbeddedLua.treeWalkers).

/// The constant's name for a file name.
func swiftName(_ file: String) -> String {
    let words = file.dropLast(".lua".count).split(separator: "_")
    return words.enumerated().map { $0 == 0 ? String($1) : $1.prefix(1).uppercased() + $1.dropFirst() }.joined()
}

/// A raw multi-line literal that holds `text` exactly: enough `#`s that neither
/// its end nor an interpolation can occur inside.
func rawLiteral(_ text: String) -> String {
    var fence = "#"
    while text.contains("\"\"\"" + fence) || text.contains("\\" + fence) { fence += "#" }
    let body = text.hasSuffix("\n") ? text : text + "\n"
    return fence + "\"\"\"\n" + body + "\"\"\"" + fence
}

let arguments = CommandLine.arguments.dropFirst()
guard let output = arguments.first else {
    FileHandle.standardError.write(Data("usage: embed-lua OUTPUT FILE.lua...\n".utf8))
    exit(64)
}
var lines = ["// Generated at build time by the EmbedLua plugin from the target's Lua/*.lua files.", "", "enum EmbeddedLua {"]
for path in arguments.dropFirst() {
    let url = URL(fileURLWithPath: path)
    let name = url.lastPathComponent
    guard name.range(of: "^[a-z][a-z0-9_]*\\.lua$", options: .regularExpression) != nil else {
        FileHandle.standardError.write(Data("embed-lua: \(path): name the file in lower_snake_case\n".utf8))
        exit(65)
    }
    let text: String
    do {
        text = try String(contentsOf: url, encoding: .utf8)
    } catch {
        FileHandle.standardError.write(Data("embed-lua: \(path): \(error.localizedDescription)\n".utf8))
        exit(66)
    }
    lines += ["    /// Lua/\(name)", "    static let \(swiftName(name)) = \(rawLiteral(text))", ""]
}
lines.append("}")
do {
    try (lines.joined(separator: "\n") + "\n").write(toFile: output, atomically: true, encoding: .utf8)
} catch {
    FileHandle.standardError.write(Data("embed-lua: cannot write \(output): \(error.localizedDescription)\n".utf8))
    exit(73)
}
