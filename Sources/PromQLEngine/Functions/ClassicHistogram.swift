// Tollgate — PromQL engine: histogram_quantile and histogram_fraction over classic `le` buckets.

import Model
import PromQL

/// One classic bucket: its upper bound and cumulative count.
struct Bucket {
    var upperBound: Double
    var count: Double
}

enum ClassicHistogram {
    /// The q-quantile of cumulative buckets, interpolating linearly within a bucket (Prometheus's
    /// `BucketQuantile`). Returns the value and whether monotonicity had to be forced.
    static func quantile(_ q: Double, _ input: [Bucket]) -> (value: Double, forcedMonotonic: Bool) {
        if q.isNaN { return (.nan, false) }
        if q < 0 { return (-.infinity, false) }
        if q > 1 { return (.infinity, false) }
        var buckets = prepare(input)
        guard let last = buckets.last, last.upperBound == .infinity else { return (.nan, false) }
        let forced = ensureMonotonic(&buckets)
        guard buckets.count >= 2 else { return (.nan, false) }
        let observations = buckets[buckets.count - 1].count
        if observations == 0 { return (.nan, forced) }
        var rank = q * observations
        var b = 0
        while b < buckets.count - 1 && !(buckets[b].count >= rank) { b += 1 }
        if b == buckets.count - 1 { return (buckets[buckets.count - 2].upperBound, forced) }
        if b == 0 && buckets[0].upperBound <= 0 { return (buckets[0].upperBound, forced) }
        var bucketStart = 0.0
        var count = buckets[b].count
        if b > 0 {
            bucketStart = buckets[b - 1].upperBound
            count -= buckets[b - 1].count
            rank -= buckets[b - 1].count
        }
        return (bucketStart + (buckets[b].upperBound - bucketStart) * (rank / count), forced)
    }

    /// The fraction of observations between `lower` and `upper` (Prometheus's `BucketFraction`).
    static func fraction(_ lower: Double, _ upper: Double, _ input: [Bucket]) -> Double {
        var buckets = prepare(input)
        guard let last = buckets.last, last.upperBound == .infinity else { return .nan }
        _ = ensureMonotonic(&buckets)
        let count = last.count == 0 ? 0 : buckets[buckets.count - 1].count
        if count == 0 || lower.isNaN || upper.isNaN { return .nan }
        if lower >= upper { return 0 }
        var rank = 0.0, lowerRank = 0.0, upperRank = 0.0
        var lowerSet = false, upperSet = false
        for (i, b) in buckets.enumerated() {
            var lowerBound = i > 0 ? buckets[i - 1].upperBound : -Double.infinity
            let upperBound = b.upperBound
            if i == 0 && upperBound > 0 { lowerBound = 0 }  // the natural lower bound, as histogram_quantile assumes
            // A bucket of infinite width gives no interpolation: a bound inside the first bucket
            // (-Inf, u] takes none of it, a bound inside the last one (l, +Inf] all of it.
            func interpolate(_ v: Double, isLower: Bool) -> Double {
                if lowerBound == -.infinity { return isLower ? b.count : rank }
                if upperBound == .infinity { return rank }
                return rank + (b.count - rank) * (v - lowerBound) / (upperBound - lowerBound)
            }
            if !lowerSet && lowerBound >= lower {
                lowerRank = rank
                lowerSet = true
            }
            if !upperSet && lowerBound >= upper {
                upperRank = rank
                upperSet = true
            }
            if lowerSet && upperSet { break }
            if !lowerSet && lowerBound < lower && upperBound > lower {
                lowerRank = interpolate(lower, isLower: true)
                lowerSet = true
            }
            if !upperSet && lowerBound < upper && upperBound > upper {
                upperRank = interpolate(upper, isLower: false)
                upperSet = true
            }
            if lowerSet && upperSet { break }
            rank = b.count
        }
        if !lowerSet || lowerRank > count { lowerRank = count }
        if !upperSet || upperRank > count { upperRank = count }
        return (upperRank - lowerRank) / count
    }

    /// Sorted by upper bound, equal bounds merged.
    private static func prepare(_ input: [Bucket]) -> [Bucket] {
        let sorted = input.sorted { $0.upperBound < $1.upperBound }
        var out: [Bucket] = []
        for b in sorted {
            if let last = out.last, last.upperBound == b.upperBound {
                out[out.count - 1].count += b.count
            } else {
                out.append(b)
            }
        }
        return out
    }

    /// Ignores differences within 1e-12 of the sum of two neighbours (float noise), then
    /// removes any remaining decrease; reports whether a real decrease had to be removed.
    private static func ensureMonotonic(_ buckets: inout [Bucket]) -> Bool {
        guard var previous = buckets.first?.count else { return false }
        var forced = false
        for i in buckets.indices.dropFirst() {
            let current = buckets[i].count
            if current == previous { continue }
            if almostEqual(previous, current, epsilon: 1e-12) {
                buckets[i].count = previous
                continue
            }
            if current < previous {
                buckets[i].count = previous
                forced = true
                continue
            }
            previous = current
        }
        return forced
    }
}

extension Evaluator {
    /// Groups a vector's bucket series by their labels without `le` and `__name__`.
    func bucketGroups(_ vector: [StepSample], argument: Expr) -> [(labels: Labels, buckets: [Bucket])] {
        var order: [Labels] = []
        var groups: [Labels: [Bucket]] = [:]
        for sample in vector {
            let le = sample.labels.value("le")
            guard let bound = GoFloat.parse(le) else {
                annotate(.badBucketLabel(metric: delayedNameRemoval ? sample.labels.value(metricNameLabel) : "", value: le, argument.position))
                continue
            }
            let key = sample.labels.removing([metricNameLabel, "le"])
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(Bucket(upperBound: bound, count: sample.v))
        }
        return order.map { ($0, groups[$0] ?? []) }
    }

    func histogramQuantile(_ q: Double, _ vector: [StepSample], t: Int64, call: Call) throws(QueryError) -> [StepSample] {
        if q.isNaN || q < 0 || q > 1 { annotate(.invalidQuantile(q, call.args[0].position)) }
        var out: [StepSample] = []
        for (labels, buckets) in bucketGroups(vector, argument: call.args[1]) where !buckets.isEmpty {
            let (value, forced) = ClassicHistogram.quantile(q, buckets)
            if forced { annotate(.forcedMonotonicity(metric: "", call.args[1].position)) }
            out.append(StepSample(labels: labels, v: value, dropName: true, series: 0, t: t))
        }
        return out
    }

    /// histogram_quantiles: one output per group and quantile, the quantile in a label.
    func histogramQuantiles(_ qs: [Double], label: String, _ vector: [StepSample], t: Int64, call: Call) throws(QueryError) -> [StepSample] {
        for (i, q) in qs.enumerated() where q.isNaN || q < 0 || q > 1 { annotate(.invalidQuantile(q, call.args[i + 2].position)) }
        let groups = bucketGroups(vector, argument: call.args[0]).filter { !$0.buckets.isEmpty }
        var out: [StepSample] = []
        for q in qs {
            for (labels, buckets) in groups {
                let (value, forced) = ClassicHistogram.quantile(q, buckets)
                if forced { annotate(.forcedMonotonicity(metric: "", call.args[0].position)) }
                out.append(StepSample(labels: labels.setting(label, GoFloat.formatOpenMetrics(q)), v: value, dropName: true, series: 0, t: t))
            }
        }
        return out
    }

    func histogramFraction(_ lower: Double, _ upper: Double, _ vector: [StepSample], call: Call) throws(QueryError) -> [StepSample] {
        bucketGroups(vector, argument: call.args[2]).filter { !$0.buckets.isEmpty }.map { group in
            StepSample(labels: group.labels, v: ClassicHistogram.fraction(lower, upper, group.buckets), dropName: true, series: 0, t: 0)
        }
    }
}
