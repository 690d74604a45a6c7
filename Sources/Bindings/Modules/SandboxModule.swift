import LuaKit

/// What scripts may do to the sandbox procsh runs in-process (`--sandbox`):
/// start again from the demo data, inject faults to try their error handling.
public protocol SandboxControl: AnyObject {
    /// The sandbox's base URL.
    var url: String { get }
    /// Puts the demo data back, as at start.
    func reset()
    /// Injects faults from now on (`procsh sandbox serve --faults`' syntax;
    /// "" for none). Returns what is wrong with `spec`, or nil.
    func setFaults(_ spec: String) -> String?
}

/// `sandbox`: present only with `--sandbox`.
enum SandboxModule {
    static func push(onto stack: LuaStack, control: any SandboxControl, session: APISession) {
        let module = ModuleTable(stack, name: "sandbox", size: 3)
        module.add("reset") { _ in
            control.reset()
            session.forgetRuns()  // what it had read is gone: no evidence for later creates
            return 0
        }
        module.add("faults") { args in
            guard let spec = args.stack.string(at: 1) else {
                throw args.invalid("spec", "expected a fault spec such as \"503=0.2,latency=20ms\" (\"\" for none), got \(args.describe(1))")
            }
            if let problem = control.setFaults(spec) {
                throw args.invalid("spec", problem, code: .invalidValue)
            }
            return 0
        }
        stack.push(control.url)
        stack.rawSet(-2, key: "url")
    }
}
