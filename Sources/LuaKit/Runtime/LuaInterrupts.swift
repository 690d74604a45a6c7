import CLuaShim

/// Ctrl-C and the run's deadline as a host function sees them while it waits
/// (CLuaShim's SIGINT hook and SIGALRM deadline).
public enum LuaInterrupts {
    /// Whether a Ctrl-C arrived and has not been delivered to Lua yet.
    public static var interruptPending: Bool { luash_interrupt_pending() != 0 }

    /// Whether the run's deadline has passed.
    public static var deadlinePassed: Bool { luash_deadline_passed() != 0 }

    /// Says that the deadline stopped the running host function's wait: the
    /// error it raises becomes the one every later instruction raises.
    public static func deadlineStoppedCall() { luash_deadline_stopped_call() }
}
