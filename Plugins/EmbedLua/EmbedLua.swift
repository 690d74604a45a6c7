import Foundation
import PackagePlugin

/// Compiles a target's Lua chunks into it: every `Lua/*.lua` file of the
/// target becomes a string constant of `EmbeddedLua` (`tree_walkers.lua` ->
/// `EmbeddedLua.treeWalkers`), so the chunks are edited as Lua and procsh
/// reads no file at run time. The target excludes `Lua/` from its sources.
@main
struct EmbedLua: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let directory = target.directoryURL.appending(path: "Lua")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".lua") }.sorted()
        let inputs = names.map { directory.appending(path: $0) }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedLua.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(names.count) Lua chunks in \(target.name)",
                executable: try context.tool(named: "embed-lua").url,
                arguments: [output.path] + inputs.map(\.path),
                inputFiles: inputs + [directory],
                outputFiles: [output])
        ]
    }
}
