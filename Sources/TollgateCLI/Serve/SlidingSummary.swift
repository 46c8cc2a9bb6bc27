// Tollgate — a Prometheus summary: quantiles over a sliding window, sum and count since start.

import CoreMetrics
import Foundation
import Synchronization

/// A summary as Prometheus's Go client keeps one: `φ`-quantiles over the observations of
/// the last ten minutes, and `_sum` and `_count` over every observation since start.
/// Durations are observed in seconds. At most ``capacity`` recent observations are kept
/// (the oldest go first), so memory stays bounded whatever the rate.
final class SlidingSummary: TimerHandler, RecorderHandler, Sendable {
    /// How long an observation counts towards the quantiles (Prometheus's `MaxAge`).
    static let window: Duration = .seconds(600)
    /// The most observations kept for the quantiles.
    static let capacity = 4096

    private struct State {
        var observations: [(at: ContinuousClock.Instant, value: Double)] = []
        var sum = 0.0
        var count: UInt64 = 0
    }

    private let state = Mutex(State())

    /// Observes `duration` nanoseconds, in seconds.
    func recordNanoseconds(_ duration: Int64) { observe(Double(duration) / 1e9) }
    /// Observes `value`.
    func record(_ value: Int64) { observe(Double(value)) }
    /// Observes `value`.
    func record(_ value: Double) { observe(value) }

    private func observe(_ value: Double) {
        let now = ContinuousClock.now
        state.withLock { s in
            s.sum += value
            s.count += 1
            s.observations.append((now, value))
            if s.observations.count > Self.capacity + Self.capacity / 4 {
                s.observations.removeFirst(s.observations.count - Self.capacity)
            }
        }
    }

    /// The quantiles of the window (NaN when it is empty, as Prometheus writes them), the sum and the count.
    /// - Parameter quantiles: the `φ` values, each in 0…1.
    /// - Returns: one value per quantile, then the sum and the count.
    func snapshot(_ quantiles: [Double]) -> (quantiles: [Double], sum: Double, count: UInt64) {
        let cutoff = ContinuousClock.now - Self.window
        let (values, sum, count) = state.withLock { s in
            s.observations.removeAll { $0.at < cutoff }
            return (s.observations.map(\.value), s.sum, s.count)
        }
        let sorted = values.sorted()
        let answers = quantiles.map { q -> Double in
            guard !sorted.isEmpty else { return .nan }
            let rank = Int((q * Double(sorted.count)).rounded(.up)) - 1
            return sorted[min(max(rank, 0), sorted.count - 1)]
        }
        return (answers, sum, count)
    }
}
