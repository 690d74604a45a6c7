import LuaKit
import ProcessesAPI

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
    /// Sets a job run's status (one of waiting, running, cancelling, complete,
    /// cancelled); its groups' and its run's statuses follow. Returns the run's
    /// new status.
    func setStatus(ofJobRun id: String, to status: String) throws(SandboxControlError) -> String
}

/// What the sandbox refused, as its admin endpoint answers it.
public struct SandboxControlError: Error, Sendable {
    public var status: Int
    public var code: String
    public var message: String
    public var target: String?

    public init(status: Int, code: String, message: String, target: String?) {
        self.status = status
        self.code = code
        self.message = message
        self.target = target
    }
}

/// `sandbox`: present only with `--sandbox`.
enum SandboxModule {
    static func push(onto stack: LuaStack, control: any SandboxControl, session: APISession) {
        let module = ModuleTable(stack, name: "sandbox", size: 4)
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
        module.add("setstatus") { args in
            let id = try args.id(1, name: "jobRunId", what: "a job run")
            guard args.stack.type(at: 2) == .string, let status = args.stack.string(at: 2) else {
                throw args.invalid("status", "expected a status such as \"complete\", got \(args.describe(2))")
            }
            do throws(SandboxControlError) {
                args.stack.push(try control.setStatus(ofJobRun: id, to: status))
                return 1
            } catch {
                if error.status == 400 { throw args.invalid("status", error.message, code: .invalidValue) }
                throw ScriptError(ProcessesAPIError(
                    kind: .api, status: error.status, code: error.code, message: error.message, target: error.target,
                    request: .init(method: "POST", path: "/_sandbox/jobRuns/\(id)/status")))
            }
        }
        stack.push(control.url)
        stack.rawSet(-2, key: "url")
    }
}
