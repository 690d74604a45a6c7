import Foundation
import Testing

@Suite("Standard streams")
struct IOTests {

    static let readerFiles = [
        "read.lua": """
            local l = io.read("l")
            print("line", l)
            print("number", io.read("n"))
            print("rest", io.read("a"))
            print("eof", io.read("l"), io.read(0))
            """,
        "lines.lua": "for l in io.lines() do print(#l, l) end print('done')",
        "count.lua": "local n = 0 for _ in io.stdin:lines() do n = n + 1 end print(n, ...)",
    ]

    static let stdinReadingCases: [Case] = [
        Case("io.read formats", ["read.lua"], stdin: .text("first line\n42 rest of line\nmore\n"), files: readerFiles),
        Case("io.read on empty stdin", ["read.lua"], stdin: .null, files: readerFiles),
        Case("io.lines over stdin", ["lines.lua"], stdin: .text("a\n\nccc\nno newline"), files: readerFiles),
        Case("io.stdin:lines with script args", ["count.lua", "x"], stdin: .text("1\n2\n3\n"), files: readerFiles),
        Case("io.read from -e", ["-e", "print(io.read('a'))"], stdin: .text("all of\nit\n")),
        Case("script via - cannot read the rest of stdin", ["-"],
             stdin: .text("print(io.read('a'))\nprint('x')\n")),
    ]

    @Test("a script reads its own stdin", arguments: stdinReadingCases)
    func stdinReading(_ c: Case) async throws {
        try await c.compare()
    }

    static let bufferingCases: [Case] = [
        Case("io.write and print interleave in order",
             ["-e", "io.write('a') print('b') io.write('c', 1, 2.5, '\\n') io.stdout:write('d') print() io.write('e')"]),
        Case("print formatting", ["-e", "print(1, 1.0, -0.0, 1/0, -1/0, 2^63, math.maxinteger, 0.1, 1e100, nil, true, false, 'x\\0y')"]),
        Case("print calls __tostring and __name", ["-e",
            "print(setmetatable({}, {__tostring = function() return 'TS' end}), (tostring(setmetatable({}, {__name = 'N'})):gsub('0x%x+', 'ADDR')))"]),
        Case("io.write chaining", ["-e", "io.write('a'):write('b'):write('\\n')"]),
        Case("io.write numbers", ["-e", "io.write(1, ' ', 1.5, ' ', 2^63, ' ', -0.0, '\\n')"]),
        Case("large output", ["-e", "for i = 1, 20000 do io.write(i, i % 10 == 0 and '\\n' or ' ') end"]),
        Case("io.stdout:setvbuf('no')", ["-e", "io.stdout:setvbuf('no') io.write('a') io.stderr:write('b') io.write('c\\n')"]),
        Case("io.stderr output", ["-e", "io.stderr:write('err line\\n') print('out line')"]),
        Case("io.output() is io.stdout", ["-e", "print(io.output() == io.stdout) print(io.type(io.stdout))"]),
    ]

    @Test("stdout buffering and print/io.write", arguments: bufferingCases)
    func buffering(_ c: Case) async throws {
        try await c.compare()
    }

    /// stdout and stderr into the same pipe: the relative order shows the buffering
    /// (print flushes stdout; io.write does not; stderr is unbuffered; errors are written
    /// to stderr before stdout's buffer is flushed at exit).
    static let mergedCases: [Case] = [
        Case("print vs stderr", ["-e", "print('out1') io.stderr:write('err1\\n') print('out2')"]),
        Case("io.write vs stderr", ["-e", "io.write('w1\\n') io.stderr:write('err1\\n') io.write('w2\\n')"]),
        Case("io.write then error", ["-e", "io.write('pending\\n') error('boom')"]),
        Case("print then error", ["-e", "print('printed') error('boom')"]),
        Case("io.write then warning", ["-W", "-e", "io.write('pending\\n') warn('warned') io.write('more\\n')"]),
        Case("io.write then os.exit", ["-e", "io.write('pending\\n') io.stderr:write('e\\n') os.exit(1)"]),
        Case("setvbuf line", ["-e", "io.stdout:setvbuf('line') io.write('l1\\n') io.stderr:write('e1\\n') io.write('l2\\n')"]),
        Case("io.write then missing script", ["nofile.lua"]),
    ]

    @Test("stdout and stderr into one pipe: ordering", arguments: mergedCases)
    func merged(_ c: Case) async throws {
        try await c.compare(mergeStderr: true)
    }

    @Test("os.getenv sees the environment procsh was given")
    func environmentPassing() async throws {
        try await compare(
            ["-e", "print(os.getenv('MY_VAR'), os.getenv('LANG'), os.getenv('LUA_INIT'))"],
            env: ["MY_VAR": "my value"])
    }

    @Test("relative paths resolve against the working directory")
    func workingDirectory() async throws {
        try await compare(
            ["-e", "local f = assert(io.open('data.txt')) print(f:read('a')) f:close() dofile('d.lua')"],
            files: ["data.txt": "file contents", "d.lua": "print('dofile ok')"])
    }
}
