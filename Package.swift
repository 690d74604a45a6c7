// swift-tools-version:6.1
import PackageDescription

// procsh links the API client and the sandbox, yet must start almost as fast
// as lua (BENCHMARKS.md, "Start-up"). Two linker settings keep it so:
// - export no symbols: the Swift runtime looks up one address with dladdr at
//   start, a linear walk over every exported symbol (37,000 without this);
// - a position-dependent executable (as Go builds by default): a PIE spends
//   most of its start relocating 124,000 pointers, page by page. Shared
//   libraries, the heap and the stack are still placed at random.
let startupLinkerFlags = [
    "-use-ld=lld", "-Xclang-linker", "-no-pie",
    "-Xlinker", "--version-script=\(Context.packageDirectory)/Sources/procsh/Linker/exports.map",
]

// A release build links the Swift runtime and Foundation statically into each
// executable, so the plain `swift build -c release` is the binary we ship:
// loading them as shared libraries costs about 5 ms at every start
// (BENCHMARKS.md, "Start-up"). The executable's own module is compiled against
// the static Foundation too: its link entries name the static libraries that
// Foundation needs in turn. The -L directory holds a `libstdc++.so` linker
// script naming the static libstdc++ (which the runtime needs), so no
// libstdc++.so is loaded either: another 0.35 ms (lld links it, since it
// takes an archive wherever it stands in the command). Debug builds keep them
// all shared: they link faster.
let staticRuntime = (
    swift: SwiftSetting.unsafeFlags(["-static-stdlib"], .when(configuration: .release)),
    linker: LinkerSetting.unsafeFlags(
        ["-static-stdlib", "-use-ld=lld", "-L", "\(Context.packageDirectory)/Sources/procsh/Linker/static-libstdcxx"],
        .when(configuration: .release))
)

let package = Package(
    name: "procsh",
    products: [
        .executable(name: "procsh", targets: ["procsh"]),
        .library(name: "LuaKit", targets: ["LuaKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-openapi-generator", from: "1.14.3"),
        .package(url: "https://github.com/apple/swift-openapi-runtime", from: "1.13.4"),
        .package(url: "https://github.com/swift-server/swift-openapi-async-http-client", from: "1.5.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-openapi-hummingbird", from: "2.1.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
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
        // The Processes API: types and client generated from openapi.yaml, and the
        // client facade (auth, retries, rate limit, pagination, typed errors).
        .target(
            name: "ProcessesAPI",
            dependencies: [
                "JSON",
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIAsyncHTTPClient", package: "swift-openapi-async-http-client"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator")]
        ),
        // The sandbox: a stateful local stand-in for the API, serving the server
        // side generated from the same openapi.yaml over Hummingbird.
        .target(
            name: "Sandbox",
            dependencies: [
                "ProcessesAPI", "JSON",
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIHummingbird", package: "swift-openapi-hummingbird"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator")]
        ),
        // libedit for the prompt (BSD licensed; never GNU readline), loaded with
        // dlopen when the prompt needs it: scripts never pay for it.
        .target(name: "CLineEdit", linkerSettings: [.linkedLibrary("dl")]),
        // The read-eval-print loop of lua.c: line reading (plain, or libedit
        // with history and completion), incomplete input, printing.
        .target(name: "REPL", dependencies: ["LuaKit", "CLineEdit"]),
        // The Lua modules scripts use (jobruns, processruns, processes, json, log,
        // procsh): Lua values <-> API models, validation, typed error tables.
        .target(
            name: "Bindings",
            dependencies: [
                "LuaKit", "JSON", "ProcessesAPI",
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["Lua"],
            plugins: ["EmbedLua"]),
        // The bindings' parts written in Lua (Sources/Bindings/Lua/*.lua),
        // compiled into them at build time: no file is read at run time.
        .executableTarget(name: "embed-lua"),
        .plugin(name: "EmbedLua", capability: .buildTool(), dependencies: ["embed-lua"]),
        // The executable: lua.c's command line, the connection options, the
        // in-process sandbox of --sandbox, and `procsh sandbox serve` (in procsh
        // too: it links the sandbox anyway, and the move cost start-up nothing;
        // docs/architecture.md).
        .executableTarget(
            name: "procsh",
            dependencies: [
                "LuaKit", "REPL", "Bindings", "ProcessesAPI", "Sandbox",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                // --ping-url's pings (already linked, for the API client).
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            exclude: ["Linker"],
            swiftSettings: [staticRuntime.swift],
            linkerSettings: [.unsafeFlags(startupLinkerFlags), staticRuntime.linker]),
        // Benchmark helpers (scripts/bench): a Hummingbird hello-world to compare
        // the sandbox with, and in-process timings of the sandbox's store.
        .executableTarget(
            name: "sandbox-bench",
            dependencies: [
                "Sandbox", "ProcessesAPI",
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: [staticRuntime.swift],
            linkerSettings: [staticRuntime.linker]),
        // Helpers shared by the test targets (a seeded generator of JSON values, on the sandbox's SplitMix64).
        .target(name: "TestSupport", dependencies: ["JSON", "Sandbox"], path: "Tests/TestSupport"),
        .testTarget(name: "JSONTests", dependencies: ["JSON", "TestSupport"]),
        .testTarget(name: "LuaKitTests", dependencies: ["LuaKit", "JSON", "TestSupport"]),
        .testTarget(name: "BindingsTests", dependencies: ["Bindings", "LuaKit", "JSON", "ProcessesAPI"]),
        .testTarget(
            name: "ProcessesAPITests",
            dependencies: [
                "ProcessesAPI", "JSON", "Sandbox",
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "SandboxTests",
            dependencies: [
                "Sandbox", "ProcessesAPI", "JSON", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]),
        .testTarget(name: "EndToEndTests", dependencies: ["Sandbox"]),
    ],
    swiftLanguageModes: [.v6]
)
