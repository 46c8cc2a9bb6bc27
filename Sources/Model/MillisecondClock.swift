// Tollgate — Model: wall-clock time in Unix milliseconds, injected into every loop.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A source of wall-clock time: milliseconds since 1970-01-01 UTC, the unit of every
/// sample timestamp.
///
/// Loops and services take a clock instead of reading the system time, so tests can
/// drive them with a clock they set by hand:
///
/// ```swift
/// let loop = ScrapeManager(storage: tsdb, logger: logger, clock: SystemClock())
/// ```
public protocol MillisecondClock: Sendable {
    /// The current time in milliseconds since the epoch.
    func now() -> Int64
}

/// The system's real-time clock (`CLOCK_REALTIME`), rounded down to the millisecond.
public struct SystemClock: MillisecondClock {
    /// The system clock.
    public init() {}

    /// The current time in milliseconds since the epoch, rounded down.
    public func now() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) * 1000 + Int64(time.tv_nsec) / 1_000_000
    }
}
