// Tollgate — HTTPAPI: whether the server is ready to take traffic.

import Synchronization

/// Whether Tollgate has finished starting up; `/-/ready` answers from it.
///
/// The server sets it once its storage and configuration are loaded; tests and
/// readiness probes read it.
public final class ReadinessState: Sendable {
    private let ready = Atomic<Bool>(false)

    /// Creates a state that starts not ready.
    public init() {}

    /// Whether the server is ready.
    public var isReady: Bool { ready.load(ordering: .acquiring) }

    /// Marks the server ready (or not ready again, while shutting down).
    /// - Parameter value: the new state.
    public func set(_ value: Bool) { ready.store(value, ordering: .releasing) }
}
