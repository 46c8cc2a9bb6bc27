// Tollgate — PromQL engine: functions over a range of samples (rate, *_over_time, …).
//
// Each takes the samples of one series in one step's window and returns the step's value,
// or nil for no output, following Prometheus's promql/functions.go.

import PromQL

/// One call of a range function: the window's samples and the step's arguments.
struct RangeCall {
    /// Samples with `rangeStart < t <= rangeEnd`, oldest first (valid only during the call).
    var points: Points
    /// The step's evaluation time.
    var t: Int64
    var rangeStart: Int64
    var rangeEnd: Int64
    /// The selector's range in seconds.
    var rangeSeconds: Double
    /// The scalar arguments at this step, in argument order (the range argument left out).
    var scalars: [Double]
    /// Where the call's arguments were written, for annotations.
    var argumentPositions: [PositionRange]
    var annotations: [Annotation] = []
}

/// A window of samples, borrowed from the series for one call.
typealias Points = UnsafeBufferPointer<FloatPoint>

/// A function over one series' window.
typealias RangeFunction = @Sendable (inout RangeCall) throws(QueryError) -> Double?

enum RangeFunctions {
    /// The range functions by name.
    static let table: [String: RangeFunction] = [
        "rate": { call in extrapolatedRate(call.points, call.rangeStart, call.rangeEnd, call.rangeSeconds, isCounter: true, isRate: true) },
        "increase": { call in extrapolatedRate(call.points, call.rangeStart, call.rangeEnd, call.rangeSeconds, isCounter: true, isRate: false) },
        "delta": { call in extrapolatedRate(call.points, call.rangeStart, call.rangeEnd, call.rangeSeconds, isCounter: false, isRate: false) },
        "irate": { call in instantValue(call.points, isRate: true) },
        "idelta": { call in instantValue(call.points, isRate: false) },
        "deriv": { call in
            guard call.points.count >= 2, let first = call.points.first else { return nil }
            return linearRegression(call.points, interceptTime: first.t).slope
        },
        "predict_linear": { call in
            guard call.points.count >= 2, let duration = call.scalars.first else { return nil }
            let (slope, intercept) = linearRegression(call.points, interceptTime: call.t)
            return slope * duration + intercept
        },
        "resets": { call in
            var count = 0.0
            var previous: Double?
            for p in call.points {
                if let previous, p.v < previous { count += 1 }
                previous = p.v
            }
            return count
        },
        "changes": { call in
            var count = 0.0
            var previous: Double?
            for p in call.points {
                if let previous, p.v != previous, !(p.v.isNaN && previous.isNaN) { count += 1 }
                previous = p.v
            }
            return count
        },
        "avg_over_time": { call in averageOverTime(call.points) },
        "sum_over_time": { call in
            var sum = 0.0, c = 0.0
            for p in call.points { (sum, c) = kahanInc(p.v, sum, c) }
            return sum.isInfinite ? sum : sum + c
        },
        "count_over_time": { call in Double(call.points.count) },
        "min_over_time": { call in compareOverTime(call.points, timestamp: false) { cur, best in cur < best || best.isNaN } },
        "max_over_time": { call in compareOverTime(call.points, timestamp: false) { cur, best in cur > best || best.isNaN } },
        "ts_of_min_over_time": { call in compareOverTime(call.points, timestamp: true) { cur, best in cur <= best || best.isNaN } },
        "ts_of_max_over_time": { call in compareOverTime(call.points, timestamp: true) { cur, best in cur >= best || best.isNaN } },
        "last_over_time": { call in call.points.last?.v },
        "first_over_time": { call in call.points.first?.v },
        "ts_of_last_over_time": { call in call.points.last.map { Double($0.t) / 1000 } },
        "ts_of_first_over_time": { call in call.points.first.map { Double($0.t) / 1000 } },
        "present_over_time": { call in call.points.isEmpty ? nil : 1 },
        "absent_over_time": { _ in 1 },
        "quantile_over_time": { call in
            guard let q = call.scalars.first, !call.points.isEmpty else { return nil }
            if q.isNaN || q < 0 || q > 1, let position = call.argumentPositions.first {
                call.annotations.append(.invalidQuantile(q, position))
            }
            return quantile(q, call.points.map(\.v))
        },
        "stddev_over_time": { call in varianceOverTime(call.points).map { $0.squareRoot() } },
        "stdvar_over_time": { call in varianceOverTime(call.points) },
        "mad_over_time": { call in
            guard !call.points.isEmpty else { return nil }
            if call.points.contains(where: \.v.isNaN) { return .nan }
            let median = quantile(0.5, call.points.map(\.v))
            return quantile(0.5, call.points.map { abs($0.v - median) })
        },
        "double_exponential_smoothing": { (call: inout RangeCall) throws(QueryError) -> Double? in
            guard call.scalars.count == 2 else { return nil }
            return try doubleExponentialSmoothing(call.points, smoothing: call.scalars[0], trend: call.scalars[1])
        },
    ]

    /// rate, increase and delta: the change over the window, extrapolated towards its edges.
    /// `resetFree`: the caller knows no value in the window drops, so the reset scan is skipped.
    static func extrapolatedRate(
        _ points: Points, _ rangeStart: Int64, _ rangeEnd: Int64, _ rangeSeconds: Double, isCounter: Bool, isRate: Bool, resetFree: Bool = false
    ) -> Double? {
        guard points.count >= 2, let first = points.first, let last = points.last else { return nil }
        var result = last.v - first.v
        if isCounter && !resetFree {
            var previous = first.v
            for p in points.dropFirst() {
                if p.v < previous { result += previous }
                previous = p.v
            }
        }
        var durationToStart = Double(first.t - rangeStart) / 1000
        var durationToEnd = Double(rangeEnd - last.t) / 1000
        let sampledInterval = Double(last.t - first.t) / 1000
        let averageBetweenSamples = sampledInterval / Double(points.count - 1)
        let threshold = averageBetweenSamples * 1.1
        if durationToStart >= threshold { durationToStart = averageBetweenSamples / 2 }
        if isCounter, result > 0, first.v >= 0 {
            let durationToZero = sampledInterval * (first.v / result)
            if durationToZero < durationToStart { durationToStart = durationToZero }
        }
        if durationToEnd >= threshold { durationToEnd = averageBetweenSamples / 2 }
        var factor = (sampledInterval + durationToStart + durationToEnd) / sampledInterval
        if isRate { factor /= rangeSeconds }
        return result * factor
    }

    /// irate and idelta: from the last two samples.
    static func instantValue(_ points: Points, isRate: Bool) -> Double? {
        guard points.count >= 2, let last = points.last else { return nil }
        let previous = points[points.index(before: points.endIndex - 1)]
        let interval = last.t - previous.t
        guard interval != 0 else { return nil }
        var result = last.v
        if !isRate || !(last.v < previous.v) { result = last.v - previous.v }
        if isRate { result /= Double(interval) / 1000 }
        return result
    }

    /// Least-squares slope, and intercept at `interceptTime`, with compensated sums.
    static func linearRegression(_ points: Points, interceptTime: Int64) -> (slope: Double, intercept: Double) {
        var n = 0.0
        var sumX = 0.0, cX = 0.0, sumY = 0.0, cY = 0.0, sumXY = 0.0, cXY = 0.0, sumX2 = 0.0, cX2 = 0.0
        let initY = points.first?.v ?? 0
        var constY = true
        for (i, p) in points.enumerated() {
            if constY && i > 0 && p.v != initY { constY = false }
            n += 1
            let x = Double(p.t - interceptTime) / 1e3
            (sumX, cX) = kahanInc(x, sumX, cX)
            (sumY, cY) = kahanInc(p.v, sumY, cY)
            (sumXY, cXY) = kahanInc(x * p.v, sumXY, cXY)
            (sumX2, cX2) = kahanInc(x * x, sumX2, cX2)
        }
        if constY { return initY.isInfinite ? (.nan, .nan) : (0, initY) }
        sumX += cX
        sumY += cY
        sumXY += cXY
        sumX2 += cX2
        let covXY = sumXY - sumX * sumY / n
        let varX = sumX2 - sumX * sumX / n
        let slope = covXY / varX
        return (slope, sumY / n - slope * sumX / n)
    }

    /// The mean: a compensated direct sum while it stays finite, then an incremental mean.
    static func averageOverTime(_ points: Points) -> Double? {
        guard let first = points.first else { return nil }
        var sum = first.v, count = 1.0, mean = 0.0, c = 0.0
        var incremental = false
        for p in points.dropFirst() {
            count += 1
            if !incremental {
                let (newSum, newC) = kahanInc(p.v, sum, c)
                if !newSum.isInfinite {
                    (sum, c) = (newSum, newC)
                    continue
                }
                incremental = true
                mean = sum / (count - 1)
                c /= count - 1
            }
            let q = (count - 1) / count
            (mean, c) = kahanInc(p.v / count, q * mean, q * c)
        }
        return incremental ? mean + c : sum / count + c / count
    }

    static func compareOverTime(_ points: Points, timestamp: Bool, _ better: (Double, Double) -> Bool) -> Double? {
        guard let first = points.first else { return nil }
        var best = first.v, bestT = first.t
        for p in points where better(p.v, best) {
            best = p.v
            bestT = p.t
        }
        return timestamp ? Double(bestT) / 1000 : best
    }

    /// Population variance by Welford's method with compensated sums.
    static func varianceOverTime(_ points: Points) -> Double? {
        guard !points.isEmpty else { return nil }
        var count = 0.0, mean = 0.0, cMean = 0.0, aux = 0.0, cAux = 0.0
        for p in points {
            count += 1
            let delta = p.v - (mean + cMean)
            (mean, cMean) = kahanInc(delta / count, mean, cMean)
            (aux, cAux) = kahanInc(delta * (p.v - (mean + cMean)), aux, cAux)
        }
        return (aux + cAux) / count
    }

    static func doubleExponentialSmoothing(_ points: Points, smoothing sf: Double, trend tf: Double) throws(QueryError) -> Double? {
        if sf <= 0 || sf >= 1 {
            throw QueryError(.execution, "invalid smoothing factor. Expected: 0 < sf < 1, got: \(formatFixed6(sf))")
        }
        if tf <= 0 || tf >= 1 {
            throw QueryError(.execution, "invalid trend factor. Expected: 0 < tf < 1, got: \(formatFixed6(tf))")
        }
        let values = points.map(\.v)
        guard values.count >= 2 else { return nil }
        var s0 = 0.0, s1 = values[0], b = values[1] - values[0]
        for i in 1..<values.count {
            let x = sf * values[i]
            b = i - 1 == 0 ? b : tf * (s1 - s0) + (1 - tf) * b
            let y = (1 - sf) * (s1 + b)
            (s0, s1) = (s1, x + y)
        }
        return s1
    }
}

/// Go's `%f`: six decimals.
func formatFixed6(_ v: Double) -> String {
    if v.isNaN { return "NaN" }
    if v.isInfinite { return v < 0 ? "-Inf" : "+Inf" }
    let scaled = (abs(v) * 1_000_000).rounded()
    let whole = Int64(scaled / 1_000_000)
    let fraction = Int64(scaled) % 1_000_000
    let digits = String(fraction)
    return (v < 0 ? "-" : "") + "\(whole)." + String(repeating: "0", count: 6 - digits.count) + digits
}
