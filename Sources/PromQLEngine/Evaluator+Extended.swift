// Tollgate — PromQL engine: the experimental `anchored` and `smoothed` range modifiers.
//
// `anchored` extends a range back by the lookback delta to the last sample before it;
// `smoothed` also looks ahead and interpolates values at the window's edges (Prometheus's
// `extendedRate`, `pickFirstSampleIndex` and `smoothSeries`).

import PromQL

extension Evaluator {
    /// Refuses functions the modifiers do not apply to, with Prometheus's message.
    func checkExtendedModifiers(_ name: String, anchored: Bool, smoothed: Bool) throws(QueryError) {
        if anchored && !["changes", "delta", "increase", "rate", "resets"].contains(name) {
            throw QueryError(.execution, "anchored modifier can only be used with: changes, delta, increase, rate, resets - not with \(name)")
        }
        if smoothed && !["delta", "increase", "rate"].contains(name) {
            throw QueryError(.execution, "smoothed modifier can only be used with: delta, increase, rate - not with \(name)")
        }
    }

    /// rate, increase and delta over an anchored or smoothed window; `points` reach back (and,
    /// smoothed, ahead) by the lookback delta.
    static func extendedRate(_ f: ArraySlice<FloatPoint>, rangeStart: Int64, rangeEnd: Int64, rangeSeconds: Double, smoothed: Bool, isCounter: Bool, isRate: Bool) -> Double? {
        let f = Array(f)
        guard !f.isEmpty else { return nil }
        var last = f.count - 1
        var first = max(0, search(last) { f[$0].t > rangeStart } - 1)
        if smoothed { last = search(last) { f[$0].t >= rangeEnd } }
        if f[last].t <= rangeStart { return nil }  // only data before the range
        if smoothed && f[first].t > rangeEnd { return nil }  // only data after it
        let left = smoothed && f[first].t < rangeStart && first + 1 < f.count
            ? interpolate(f[first], f[first + 1], rangeStart, isCounter) : f[first].v
        let right = smoothed && last > 0 && f[last].t > rangeEnd ? interpolate(f[last - 1], f[last], rangeEnd, isCounter) : f[last].v
        var result = right - left
        if isCounter {
            if f[first].t <= rangeStart { first += 1 }
            if f[last].t >= rangeEnd { last -= 1 }
            var correction = 0.0, previous = left
            if first <= last {
                for p in f[first...last] {
                    if p.v < previous { correction += previous }
                    previous = p.v
                }
            }
            if right < previous { correction += previous }
            result += correction
        }
        return isRate ? result / rangeSeconds : result
    }

    /// The first index of `points` an anchored changes/resets starts from: the last sample at or
    /// before the range start; nil when no sample lies inside the range.
    static func anchoredStart(_ points: ArraySlice<FloatPoint>, rangeStart: Int64) -> Int? {
        guard let last = points.last, last.t > rangeStart else { return nil }
        let base = points.startIndex
        return base + max(0, search(points.count - 1) { points[base + $0].t > rangeStart } - 1)
    }

    static func interpolate(_ p1: FloatPoint, _ p2: FloatPoint, _ t: Int64, _ isCounter: Bool) -> Double {
        let y1 = isCounter && p2.v < p1.v ? 0 : p1.v
        return y1 + (p2.v - y1) * Double(t - p1.t) / Double(p2.t - p1.t)
    }

    /// Go's `sort.Search(n, predicate)`: the smallest index in `0..<n` where it holds, else n.
    static func search(_ n: Int, _ predicate: (Int) -> Bool) -> Int {
        var low = 0, high = n
        while low < high {
            let mid = (low + high) / 2
            if predicate(mid) { high = mid } else { low = mid + 1 }
        }
        return low
    }

    /// A smoothed instant selector: at each step the value at the reference time, interpolated
    /// between the samples either side within the lookback delta, else the last one before.
    func evalSmoothedSelector(_ s: VectorSelector, _ window: EvalWindow) throws(QueryError) -> [Series] {
        let offset = s.offset?.literalMilliseconds ?? 0
        let lookback = options.lookbackDelta
        var result: [Series] = []
        for stored in data[s] {
            try checkInterrupt()
            let points = stored.live
            var out: [FloatPoint] = []
            for step in 0..<window.stepCount {
                let t = window.time(step)
                let ref = (s.at?.milliseconds ?? t) - offset
                let slice = Self.window(points, after: ref - lookback, upTo: ref + lookback)
                guard !slice.isEmpty else { continue }
                let i = slice.firstIndex { $0.t >= ref } ?? slice.endIndex
                if i < slice.endIndex && slice[i].t == ref {
                    out.append(FloatPoint(t: t, v: slice[i].v))
                } else if i > slice.startIndex && i < slice.endIndex {
                    out.append(FloatPoint(t: t, v: Self.interpolate(slice[i - 1], slice[i], ref, false)))
                } else if i > slice.startIndex {
                    out.append(FloatPoint(t: t, v: slice[i - 1].v))
                }
            }
            if !out.isEmpty {
                try hold(out.count)
                result.append(Series(labels: stored.labels, points: out))
            }
        }
        return result
    }
}
