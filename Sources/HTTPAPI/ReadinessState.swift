// Tollgate — HTTPAPI: whether the server is ready to take traffic.

import Synchronization

/// Whether Tollgate has finished starting up, and nothing keeps it from doing its work;
/// `/-/ready` answers from it.
///
/// The server sets it once its storage and configuration are loaded. Parts that can stop
/// working while the server runs (the store, when its disk is full) add a check that says
/// why; while a check gives a reason, `/-/ready` answers 503 with it.
///
/// ```swift
/// let readiness = ReadinessState()
/// readiness.addCheck { tsdb.writeFailure }   // "disk full: …" while writes fail
/// ```
public final class ReadinessState: Sendable {
    private let ready = Atomic<Bool>(false)
    private let checks = Mutex<[@Sendable () -> String?]>([])

    /// Creates a state that starts not ready.
    public init() {}

    /// Whether the server is ready: started, and no check gives a reason not to be.
    public var isReady: Bool { ready.load(ordering: .acquiring) && notReadyReason == nil }

    /// Why the server is not ready although it started (the first check's reason), or nil.
    public var notReadyReason: String? {
        for check in checks.withLock({ $0 }) {
            if let reason = check() { return reason }
        }
        return nil
    }

    /// Whether the server has started (and is not shutting down).
    public var isStarted: Bool { ready.load(ordering: .acquiring) }

    /// Marks the server ready (or not ready again, while shutting down).
    /// - Parameter value: the new state.
    public func set(_ value: Bool) { ready.store(value, ordering: .releasing) }

    /// Adds a condition of readiness.
    /// - Parameter check: nil while all is well, else why the server is not ready
    ///   (called at every `/-/ready`; it must be quick).
    public func addCheck(_ check: @escaping @Sendable () -> String?) {
        checks.withLock { $0.append(check) }
    }
}
