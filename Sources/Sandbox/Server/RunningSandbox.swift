import Foundation

/// A sandbox serving in the background.
public struct RunningSandbox: Sendable {
    public let baseURL: URL
    public let server: SandboxServer
    let task: Task<Void, any Error>

    /// Stops serving and waits until the port is closed.
    public func stop() async {
        task.cancel()
        _ = try? await task.value
    }
}
