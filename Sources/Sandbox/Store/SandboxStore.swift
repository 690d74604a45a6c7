import Synchronization

/// The sandbox's state: processes, process runs with their trees, principals,
/// documents and OAuth clients. One lock guards it all, so every operation is
/// atomic: concurrent creates never lose or duplicate children, and ordinals
/// (positions in a group's child list) stay contiguous 0..n-1.
public final class SandboxStore: Sendable {
    private let state: Mutex<State>
    private let seed: Seed
    /// Goes up with every change (and every reset): an answer read at one
    /// revision is still right while the revision is the same.
    private let changes = Atomic<UInt64>(0)

    public init(seed: Seed) {
        let seed = seed.withOneArgumentsForm
        self.seed = seed
        state = Mutex(State(seed: seed))
    }

    /// Back to the seed: every change since start (or the last reset) is dropped.
    public func reset() {
        state.withLock {
            $0 = State(seed: seed)
            changes.add(1, ordering: .releasing)
        }
    }

    /// The store's revision (see `changes`).
    public var revision: UInt64 { changes.load(ordering: .acquiring) }

    /// The current state in the seed format.
    public func export() -> Seed {
        state.withLock { $0.export() }
    }

    func withState<R>(_ body: (inout State) throws(SandboxError) -> R) throws(SandboxError) -> R {
        try state.withLock { (s: inout State) throws(SandboxError) -> R in
            changes.add(1, ordering: .releasing)  // before the change: a reader racing it sees a new revision
            return try body(&s)
        }
    }

    func read<R>(_ body: (State) -> R) -> R {
        state.withLock { body($0) }
    }

    /// A read that may fail (the revision stays).
    func read<R>(_ body: (State) throws(SandboxError) -> R) throws(SandboxError) -> R {
        try state.withLock { (s: inout State) throws(SandboxError) -> R in try body(s) }
    }
}
