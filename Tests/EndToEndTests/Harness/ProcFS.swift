import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// What Linux's /proc says about a running child: markers for states a child cannot
/// announce itself (busy inside a long computation, asleep waiting for a lock, blocked
/// in a read, its signal handler gone), so tests wait for a state, not for a time.
extension RunningProcess {
    /// The CPU time all its threads have used, in nanoseconds (nil once it is gone).
    var cpuNanoseconds: UInt64? {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        var total: UInt64 = 0
        var seen = false
        for task in tasks {
            // schedstat: "<ns on the CPU> <ns waiting> <timeslices>".
            guard let text = try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/schedstat", encoding: .utf8),
                let first = text.split(separator: " ").first, let ns = UInt64(first)
            else { continue }
            total += ns
            seen = true
        }
        if seen { return total }
        // Without schedstat: utime + stime of /proc/PID/stat, in clock ticks.
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = UInt64(fields[11]), let system = UInt64(fields[12]) else { return nil }
        return (user + system) * 1_000_000_000 / UInt64(max(sysconf(Int32(_SC_CLK_TCK)), 1))
    }

    /// The threads' states (`R` running, `S` asleep, `D` in the disk...), main thread first.
    var threadStates: [Character] {
        let tasks = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? [])
            .sorted { $0 == "\(pid)" ? true : $1 == "\(pid)" ? false : $0 < $1 }
        return tasks.compactMap { task in
            // stat: "pid (comm) state ...": comm may hold spaces and parentheses.
            guard let text = try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/stat", encoding: .utf8),
                let close = text.lastIndex(of: ")")
            else { return nil }
            return text[text.index(after: close)...].first { $0 != " " }
        }
    }

    /// The paths its open file descriptors lead to.
    var openFiles: [String] {
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")) ?? []
        return fds.compactMap { try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\($0)") }
    }

    /// True while one of its threads is blocked in read(2) on standard input.
    var isBlockedReadingStdin: Bool {
        #if arch(x86_64)
        let read = "0"
        #elseif arch(arm64)
        let read = "63"
        #else
        let read = "-"
        #endif
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        return tasks.contains { task in
            // syscall: "<number> <arg1> ..." while blocked in one; "running" otherwise.
            guard let text = try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/syscall", encoding: .utf8)
            else { return false }
            let fields = text.split(separator: " ")
            return fields.count > 1 && fields[0] == read && fields[1] == "0x0"
        }
    }

    /// Whether a handler is installed for `signal` (nil once it is gone).
    func catches(_ signal: Int32) -> Bool? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("SigCgt:") }),
            let mask = UInt64(line.dropFirst("SigCgt:".count).trimmingCharacters(in: .whitespaces), radix: 16)
        else { return nil }
        return mask & (1 << UInt64(signal - 1)) != 0
    }

    /// Polls until `condition` holds (true), or the timeout passes or the child ends (false).
    func waitUntil(timeout: Double = 20, _ condition: @Sendable (RunningProcess) -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition(self) { return true }
            if !isRunning { return false }
            try? await Task.sleep(nanoseconds: 5_000_000)
        }
        return condition(self)
    }

    /// Waits until the child has used `seconds` more CPU time than when called (false if it
    /// ends first or the timeout passes). A child that printed a marker right before a long
    /// computation is then certainly inside it: what came between takes microseconds.
    func waitForCPUTime(_ seconds: Double = 0.05, timeout: Double = 20) async -> Bool {
        guard let start = cpuNanoseconds else { return false }
        let more = UInt64(seconds * 1e9)
        return await waitUntil(timeout: timeout) { child in
            guard let now = child.cpuNanoseconds else { return false }
            return now >= start + more
        }
    }
}
