// Tollgate — Model: iterating samples in time order.

/// A synchronous iterator over samples in time order, as Prometheus's `chunkenc.Iterator`.
public protocol SampleIterator {
    /// Moves to the next sample; false at the end.
    mutating func next() -> Bool
    /// The current sample; valid after `next()` or `seek(_:)` returned true.
    var at: (t: Int64, v: Double) { get }
}

extension SampleIterator {
    /// Moves to the first sample at or after `t` (staying put when already there).
    /// - Returns: false when no such sample exists.
    public mutating func seek(_ t: Int64, started: Bool) -> Bool {
        if started && at.t >= t { return true }
        while next() {
            if at.t >= t { return true }
        }
        return false
    }
}
