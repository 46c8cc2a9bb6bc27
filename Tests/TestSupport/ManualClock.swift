// Tollgate — test support: a clock tests set by hand.

public import Model
import Synchronization

/// A ``MillisecondClock`` that stands still until a test moves it.
///
/// ```swift
/// let clock = ManualClock(1_700_000_000_000)
/// clock.advance(by: 15_000)
/// ```
public final class ManualClock: MillisecondClock {
    private let current: Mutex<Int64>

    /// A clock showing `milliseconds`.
    public init(_ milliseconds: Int64 = 0) { current = Mutex(milliseconds) }

    /// The time the clock shows.
    public func now() -> Int64 { current.withLock { $0 } }

    /// Sets the time.
    public func set(_ milliseconds: Int64) { current.withLock { $0 = milliseconds } }

    /// Moves the time forward (or back, for a negative amount).
    public func advance(by milliseconds: Int64) { current.withLock { $0 += milliseconds } }
}
