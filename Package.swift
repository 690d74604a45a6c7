// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "procsh",
    products: [
        .executable(name: "procsh", targets: ["procsh"]),
        .library(name: "LuaKit", targets: ["LuaKit"]),
    ],
    targets: [
        // The system's Lua 5.4 library.
        .systemLibrary(
            name: "CLua",
            pkgConfig: "lua5.4",
            providers: [.apt(["liblua5.4-dev"])]
        ),
        // C helpers: Lua's macros as functions, the error trampoline, protected
        // operations, the counting allocator, the SIGINT hook.
        .target(name: "CLuaShim", dependencies: ["CLua"]),
        // A JSON value type shared by the Lua bridge and (later) the API client.
        .target(name: "JSON", linkerSettings: [.linkedLibrary("m")]),
        // Swift over the Lua C API. Knows nothing of Workiva.
        .target(name: "LuaKit", dependencies: ["CLua", "CLuaShim", "JSON"]),
        // The read-eval-print loop of lua.c: line reading, incomplete input, printing.
        .target(name: "REPL", dependencies: ["LuaKit", "CLua", "CLuaShim"]),
        // The executable: a lua.c-compatible command line.
        .executableTarget(name: "procsh", dependencies: ["LuaKit", "REPL", "CLua", "CLuaShim"]),
        .testTarget(name: "LuaKitTests", dependencies: ["LuaKit", "JSON"]),
        .testTarget(name: "EndToEndTests", dependencies: []),
    ],
    swiftLanguageModes: [.v6]
)
