// Tollgate — NotifySend: the waits between attempts (cenkalti/backoff's ExponentialBackOff with
// its defaults, as Alertmanager's retry stage uses it).

/// Exponential backoff: each wait is the current interval randomized by ±``randomization``,
/// then the interval grows by ``multiplier`` up to ``maximum``.
///
/// ```swift
/// var backoff = Backoff()
/// backoff.next()  // about 500 ms (250…750)
/// backoff.next()  // about 750 ms
/// ```
public struct Backoff: Sendable, Equatable {
    /// The first interval (500 ms).
    public var initial: Duration
    /// The growth per attempt (1.5).
    public var multiplier: Double
    /// How far a wait may stray from the interval, as a fraction (0.5).
    public var randomization: Double
    /// The longest interval (60 s).
    public var maximum: Duration
    private var current: Duration

    /// Creates a backoff; the defaults are Alertmanager's.
    public init(initial: Duration = .milliseconds(500), multiplier: Double = 1.5, randomization: Double = 0.5, maximum: Duration = .seconds(60)) {
        self.initial = initial
        self.multiplier = multiplier
        self.randomization = randomization
        self.maximum = maximum
        current = initial
    }

    /// The next wait, and the interval grown for the one after.
    public mutating func next() -> Duration {
        let delta = current * randomization
        let wait = randomization > 0 ? current - delta + delta * (2 * Double.random(in: 0..<1)) : current
        current = current >= maximum / multiplier ? maximum : current * multiplier
        return wait
    }

    /// Starts over from ``initial``.
    public mutating func reset() { current = initial }
}
