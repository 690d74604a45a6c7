import Foundation
import Testing

/// docs/cron.md, "Beyond one host": deploy/cronjob.yaml read as Kubernetes
/// reads it and its command run as the pod would run it (against the
/// sandbox), and deploy/Containerfile checked against the README and what
/// procsh loads at run time. No cluster and no image builder are needed.
@Suite("The Kubernetes guide", .enabled(if: !Programs.procshIsReference, "procsh's own options"))
struct KubernetesGuideTests {
    static let deploy = Programs.packageRoot.appendingPathComponent("deploy")

    // MARK: the manifest

    /// The manifest's documents as JSON values, read by PyYAML (the project's Python).
    static func documents() async throws -> [[String: Any]] {
        let code = "import json, sys, yaml; print(json.dumps(list(yaml.safe_load_all(open(sys.argv[1])))))"
        let text = try await SandboxServeTests.tool([try Programs.python(), "-c", code, deploy.appendingPathComponent("cronjob.yaml").path])
        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
    }

    /// The manifest's parts a test looks at.
    struct Manifest {
        var cronJob: [String: Any]
        var scripts: [String: String]  // the ConfigMap's files
        var container: [String: Any]
        var args: [String]
        var mountPath: String
        var podSpec: [String: Any]
        var jobSpec: [String: Any]

        init(_ documents: [[String: Any]]) throws {
            cronJob = try #require(documents.first { $0["kind"] as? String == "CronJob" }, "no CronJob")
            #expect(cronJob["apiVersion"] as? String == "batch/v1")
            let configMap = try #require(documents.first { $0["kind"] as? String == "ConfigMap" }, "no ConfigMap")
            scripts = try #require(configMap["data"] as? [String: String])
            let spec = try #require(cronJob["spec"] as? [String: Any])
            jobSpec = try #require((spec["jobTemplate"] as? [String: Any])?["spec"] as? [String: Any])
            podSpec = try #require((jobSpec["template"] as? [String: Any])?["spec"] as? [String: Any])
            let containers = try #require(podSpec["containers"] as? [[String: Any]])
            try #require(containers.count == 1, "procsh is the pod's one process")
            container = containers[0]
            args = try #require(container["args"] as? [String])
            // The ConfigMap is mounted where the arguments look for the script.
            let mounts = try #require(container["volumeMounts"] as? [[String: Any]])
            let volumes = try #require(podSpec["volumes"] as? [[String: Any]])
            let configMapName = try #require((configMap["metadata"] as? [String: Any])?["name"] as? String)
            let volume = try #require(
                volumes.first { ($0["configMap"] as? [String: Any])?["name"] as? String == configMapName },
                "no volume holds the ConfigMap \(configMapName)")
            let mount = try #require(mounts.first { $0["name"] as? String == volume["name"] as? String })
            mountPath = try #require(mount["mountPath"] as? String)
        }

        /// The container's environment: each variable's Secret (name, key), or its value.
        var environment: [(name: String, secret: (name: String, key: String)?, value: String?)] {
            (container["env"] as? [[String: Any]] ?? []).map { variable in
                let reference = (variable["valueFrom"] as? [String: Any])?["secretKeyRef"] as? [String: Any]
                let secret = reference.flatMap { r in (r["name"] as? String).flatMap { n in (r["key"] as? String).map { (n, $0) } } }
                return (variable["name"] as? String ?? "", secret, variable["value"] as? String)
            }
        }
    }

    @Test("the CronJob: Forbid in place of --lock, a starting deadline, credentials from a Secret, --ping-url, jobruns.ensure")
    func manifestFields() async throws {
        let manifest = try Manifest(try await Self.documents())
        let spec = try #require(manifest.cronJob["spec"] as? [String: Any])
        #expect(spec["concurrencyPolicy"] as? String == "Forbid")
        #expect(!manifest.args.contains("--lock"), "a lock file is one host's: \(manifest.args)")
        let deadline = try #require(spec["startingDeadlineSeconds"] as? Int, "startingDeadlineSeconds")
        #expect(deadline > 0)
        #expect(manifest.podSpec["restartPolicy"] as? String == "Never", "each try a new pod")

        // Credentials come from a Secret, as the variables procsh reads.
        let environment = manifest.environment
        for name in ["WORKIVA_CLIENT_ID", "WORKIVA_CLIENT_SECRET"] {
            let variable = try #require(environment.first { $0.name == name }, "\(name) is not set")
            #expect(variable.secret != nil && variable.value == nil, "\(name) comes from a Secret, not the manifest")
        }
        #expect(Set(environment.compactMap(\.secret?.name)).count == 1, "one Secret")

        // Monitoring: --ping-url, its URL a variable of the container.
        let ping = try #require(manifest.args.firstIndex(of: "--ping-url"), "no --ping-url: \(manifest.args)")
        let url = manifest.args[ping + 1]
        #expect(url.hasPrefix("$(") && environment.contains { "$(\($0.name))" == url }, "\(url) is one of the container's variables")

        // The script named in the arguments is the ConfigMap's, and makes nothing twice.
        let script = try #require(manifest.args.first { $0.hasPrefix(manifest.mountPath + "/") }, "no script under \(manifest.mountPath)")
        let source = try #require(manifest.scripts[String(script.dropFirst(manifest.mountPath.count + 1))], "\(script) is not in the ConfigMap")
        #expect(source.contains("jobruns.ensure("), "a retried Job must create nothing twice")
        #expect(!source.contains("jobruns.create("), "jobruns.create would create again on a retry")

        // The statuses that fail the Job at once are those a retry cannot mend; 69 and 75 are retried.
        let rules = try #require((manifest.jobSpec["podFailurePolicy"] as? [String: Any])?["rules"] as? [[String: Any]])
        let failing = rules.filter { $0["action"] as? String == "FailJob" }
            .flatMap { (($0["onExitCodes"] as? [String: Any])?["values"] as? [Int]) ?? [] }
        #expect(Set(failing) == [1, 64, 65, 77], "\(failing)")
        #expect((manifest.jobSpec["backoffLimit"] as? Int ?? 0) > 0, "a failed try is tried again")

        // runAsNonRoot needs the image's user as a number.
        #expect((manifest.podSpec["securityContext"] as? [String: Any])?["runAsNonRoot"] as? Bool == true)
        let user = try Self.containerfile().last { $0.instruction == "USER" }?.argument ?? ""
        #expect(Int(user) != nil, "USER \(user) is not a number: runAsNonRoot cannot check it")
    }

    @Test("the pod's command against the sandbox: tasks added once; a retry adds nothing; the monitor pinged each time")
    func manifestRuns() async throws {
        let manifest = try Manifest(try await Self.documents())
        let dir = try makeTempDirectory(files: manifest.scripts)
        let monitor = try PingServer()
        try await SandboxServeTests.withServer { _, base in
            // The Secret as the test makes it; a key the manifest names and it lacks fails here.
            let secret = ["client-id": "sandbox-client", "client-secret": "sandbox-secret", "ping-url": monitor.url("/ping/reviews")]
            var variables: [String: String] = [:]
            for variable in manifest.environment {
                if let value = variable.value {
                    variables[variable.name] = value
                    continue
                }
                let key = try #require(variable.secret?.key, "\(variable.name) has neither a value nor a Secret's key")
                guard let value = secret[key] else { throw HarnessError("the manifest wants the key \(key), which its Secret lacks") }
                variables[variable.name] = value
            }
            // Kubernetes expands $(NAME) in the arguments; the ConfigMap's files are in dir.
            let arguments = manifest.args.map { argument -> String in
                var expanded = argument
                for (name, value) in variables { expanded = expanded.replacingOccurrences(of: "$(\(name))", with: value) }
                return expanded.hasPrefix(manifest.mountPath + "/") ? dir.path + expanded.dropFirst(manifest.mountPath.count) : expanded
            }
            var environment = baseEnvironment(home: dir.path).merging(variables) { $1 }
            environment["PROCSH_BASE_URL"] = base
            var messages: [String] = []
            for _ in 1...2 {
                let r = try await run(try Programs.procsh(), arguments, environment: environment, directory: dir, timeout: 60)
                #expect(r.termination == .exit(0), "\(r)")
                messages += try UnattendedRunTests.jsonObjects(r.stderr).compactMap { $0["message"] as? String }  // --log-format json
            }
            #expect(
                messages == [
                    "added 2 review tasks to \"Review\"; 0 were there already",
                    "added 0 review tasks to \"Review\"; 2 were there already",
                ], "\(messages)")
            let pings = await monitor.waitForPings(4)
            #expect(pings.map(\.path) == ["/ping/reviews/start", "/ping/reviews", "/ping/reviews/start", "/ping/reviews"], "\(pings)")
            #expect(!pings.contains { $0.body.contains("sandbox-secret") }, "\(pings)")
        }
    }

    // MARK: the Containerfile

    /// The Containerfile's instructions, continuation lines joined, comments left out.
    static func containerfile() throws -> [(instruction: String, argument: String)] {
        let text = try String(contentsOf: deploy.appendingPathComponent("Containerfile"), encoding: .utf8)
        var instructions: [(String, String)] = []
        var pending = ""
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if pending.isEmpty && (trimmed.isEmpty || trimmed.hasPrefix("#")) { continue }
            if trimmed.hasSuffix("\\") {
                pending += trimmed.dropLast() + " "
                continue
            }
            let whole = pending + trimmed
            pending = ""
            let parts = whole.split(separator: " ", maxSplits: 1).map(String.init)
            instructions.append((parts[0].uppercased(), parts.count > 1 ? parts[1] : ""))
        }
        return instructions
    }

    @Test("the Containerfile builds with the README's commands, from files the repository has")
    func containerfileCommands() throws {
        let instructions = try Self.containerfile()
        let stages = instructions.indices.filter { instructions[$0].instruction == "FROM" }
        try #require(stages.count == 2, "a build stage and a runtime stage")
        let build = instructions[stages[0]..<stages[1]]
        let readme = try String(contentsOf: Programs.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let commands = build.filter { $0.instruction == "RUN" }.map(\.argument)
        #expect(commands == ["./scripts/setup", "./scripts/install"], "\(commands)")
        for command in commands {
            #expect(readme.contains("`\(command)`") || readme.contains("\n\(command) "), "\(command) is not a README command")
        }
        for copy in instructions where copy.instruction == "COPY" && !copy.argument.hasPrefix("--from") {
            for source in copy.argument.split(separator: " ").dropLast() {
                let path = Programs.packageRoot.appendingPathComponent(String(source)).path
                #expect(FileManager.default.fileExists(atPath: path), "COPY \(source): no such file in the repository")
            }
        }
        let runtime = instructions[stages[1]...]
        #expect(runtime.contains { $0.instruction == "COPY" && $0.argument.hasSuffix("/usr/local/bin/procsh /usr/local/bin/procsh") },
            "the binary ./scripts/install puts in /usr/local/bin")
        #expect(runtime.last { $0.instruction == "ENTRYPOINT" }?.argument == "[\"procsh\"]")
    }

    /// The Debian packages that hold files named `name` (dpkg -S), without the architecture.
    static func packages(holding name: String) async throws -> Set<String> {
        let found = try await SandboxServeTests.tool(["dpkg", "-S", "*/\(name)"])
        return Set(found.split(separator: "\n").flatMap { line in
            line.split(separator: ":", maxSplits: 1)[0].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        })
    }

    @Test("the runtime image installs every library procsh loads that debian:bookworm-slim lacks")
    func runtimeLibraries() async throws {
        let instructions = try Self.containerfile()
        let installs = instructions.filter { $0.instruction == "RUN" && $0.argument.contains("apt-get install") }
        let installed = Set(installs.flatMap { $0.argument.split(separator: " ").map(String.init) })
        // Linked: what ldd lists, but the Swift runtime, which a release build
        // links statically (Package.swift): the libraries beside libswiftCore.
        let linked = try await SandboxServeTests.tool(["ldd", try Programs.procsh()]).split(separator: "\n").compactMap { line in
            let parts = line.split(whereSeparator: \.isWhitespace)
            return parts.count >= 3 && parts[1] == "=>" ? (name: String(parts[0]), path: String(parts[2])) : nil
        }
        let swiftRuntime = linked.first { $0.name.hasPrefix("libswiftCore.") }.map { URL(fileURLWithPath: $0.path).deletingLastPathComponent().path + "/" }
        var names = linked.filter { library in swiftRuntime.map { !library.path.hasPrefix($0) } ?? true }.map(\.name)
        #expect(names.contains { $0.hasPrefix("liblua5.4") }, "procsh links Lua 5.4: \(linked)")
        // Loaded with dlopen, for the prompt: the name CLineEdit.c asks for.
        let lineEdit = try String(contentsOf: Programs.packageRoot.appendingPathComponent("Sources/CLineEdit/CLineEdit.c"), encoding: .utf8)
        let opened = try #require(lineEdit.firstMatch(of: /dlopen\("([^"]+)"/)?.1, "CLineEdit.c opens no library")
        names.append(String(opened))
        // What the slim image has: apt and dpkg need them.
        let base: Set<String> = ["libc6", "libgcc-s1", "libstdc++6", "zlib1g"]
        for name in names {
            let holders = try await Self.packages(holding: name)
            #expect(!holders.isDisjoint(with: base.union(installed)), "\(name) (\(holders.sorted())) is not in the runtime image: \(installed.sorted())")
        }
    }
}
