// Tollgate — PromQL engine: compensated summation and quantiles as Prometheus computes them.

/// Neumaier's variant of Kahan summation (Prometheus's `kahansum.Inc`): returns the new sum
/// and compensation.
@inline(__always)
func kahanInc(_ inc: Double, _ sum: Double, _ c: Double) -> (Double, Double) {
    let t = sum + inc
    if t.isInfinite { return (t, 0) }
    if abs(sum) >= abs(inc) { return (t, c + ((sum - t) + inc)) }
    return (t, c + ((inc - t) + sum))
}

/// The q-quantile of values by linear interpolation between ranks (Prometheus's `quantile`).
/// NaN for no values or a NaN q; -Inf for q < 0; +Inf for q > 1.
func quantile(_ q: Double, _ values: [Double]) -> Double {
    if values.isEmpty || q.isNaN { return .nan }
    if q < 0 { return -.infinity }
    if q > 1 { return .infinity }
    let sorted = values.sorted { a, b in a.isNaN ? !b.isNaN : a < b }
    let n = Double(sorted.count)
    let rank = q * (n - 1)
    let lower = max(0, rank.rounded(.down))
    let upper = min(n - 1, lower + 1)
    let weight = rank - rank.rounded(.down)
    return sorted[Int(lower)] * (1 - weight) + sorted[Int(upper)] * weight
}

/// Prometheus's `almost.Equal`: NaNs equal each other; otherwise a relative tolerance,
/// exact against zero.
func almostEqual(_ a: Double, _ b: Double, epsilon: Double) -> Bool {
    if a.isNaN && b.isNaN { return true }
    if a == b { return true }
    let minNormal = Double.leastNormalMagnitude
    let absSum = abs(a) + abs(b)
    let diff = abs(a - b)
    if a == 0 || b == 0 || absSum < minNormal { return diff < epsilon * minNormal }
    return diff / min(absSum, .greatestFiniteMagnitude) < epsilon
}
