// Tollgate — Storage: the samples a selection returns, and their iterator.

public import Model

/// Samples of one series over a time range.
public struct SeriesSamples: Sendable, Equatable {
    /// The series.
    public let labels: Labels
    /// Timestamps (milliseconds) in increasing order.
    public let timestamps: [Int64]
    /// Values, one per timestamp, with their exact bit patterns.
    public let values: [Double]

    /// A series' samples; `timestamps` increase strictly and `values` has one value for each.
    public init(labels: Labels, timestamps: [Int64], values: [Double]) {
        assert(timestamps.count == values.count, "one value per timestamp")
        self.labels = labels
        self.timestamps = timestamps
        self.values = values
    }

    /// Equal labels, timestamps and value bit patterns (so NaN equals the same NaN).
    public static func == (a: SeriesSamples, b: SeriesSamples) -> Bool {
        a.labels == b.labels && a.timestamps == b.timestamps && a.values.map(\.bitPattern) == b.values.map(\.bitPattern)
    }

    /// A synchronous iterator over the samples, with `next()` and a binary-search `seek(_:)`.
    public func makeIterator() -> SeriesIterator { SeriesIterator(timestamps: timestamps, values: values) }
}

/// Iterates a series' samples in time order; `seek(_:)` jumps by binary search.
public struct SeriesIterator: SampleIterator {
    private let timestamps: [Int64]
    private let values: [Double]
    private var index = -1

    init(timestamps: [Int64], values: [Double]) {
        self.timestamps = timestamps
        self.values = values
    }

    /// The current sample; valid after `next()` or `seek(_:)` returned true.
    public var at: (t: Int64, v: Double) { (timestamps[index], values[index]) }

    /// Moves to the next sample; false at the end.
    public mutating func next() -> Bool {
        guard index + 1 < timestamps.count else {
            index = timestamps.count
            return false
        }
        index += 1
        return true
    }

    /// Moves to the first sample at or after `t`, never backwards.
    /// - Complexity: O(log n).
    public mutating func seek(_ t: Int64) -> Bool {
        if index >= 0 && index < timestamps.count && timestamps[index] >= t { return true }
        var low = max(index, 0), high = timestamps.count
        while low < high {
            let mid = (low + high) / 2
            if timestamps[mid] < t { low = mid + 1 } else { high = mid }
        }
        index = low
        return low < timestamps.count
    }
}
