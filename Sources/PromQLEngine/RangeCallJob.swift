// Tollgate — PromQL engine: a range function over many series, in shares on several cores.

import Model
import PromQL

/// The per-series part of a call like `rate(x[5m])` over a whole evaluation window: every
/// series is independent of the others, so a large selection is split into contiguous
/// shares run on several cores at once (`Parallel`), and their outputs are put back in
/// series order. Everything else (limits, labels, annotations) stays on the evaluator.
struct RangeCallJob: Sendable {
    let name: String
    let function: RangeFunction
    /// The call's scalar arguments, one value per step.
    let scalarArgs: [[Double]]
    let argumentPositions: [PositionRange]
    /// Where the range argument was written, for annotations.
    let rangePosition: PositionRange
    let delayedNameRemoval: Bool
    let window: EvalWindow
    let source: RangeSource
    let lookback: Int64
    let interrupt: Interrupt
    /// Samples the query may still hold: a share stops when its own outputs pass it
    /// (the evaluator then accounts for every output exactly).
    let samplesLeft: Int

    /// Series in one share: below this, a call stays on one core.
    static let minimumShare = 512

    /// The output series (one point per step with a value; series without any left out), and the annotations raised.
    func run(_ items: Range<Int>) throws(QueryError) -> (outputs: [Series], annotations: [Annotation]) {
        let keepsName = name == "last_over_time" || name == "first_over_time"
        let checksCounterNames = name == "rate" || name == "increase"
        let before = source.anchored || source.smoothed ? lookback : 0, after = source.smoothed ? lookback : 0
        let isExtrapolated = ["rate", "increase", "delta"].contains(name) && !source.anchored && !source.smoothed
        var outputs: [Series] = []
        var annotations: [Annotation] = []
        var rc = RangeCall(
            points: Points(start: nil, count: 0), t: 0, rangeStart: 0, rangeEnd: 0, rangeSeconds: Double(source.range) / 1000,
            scalars: Array(repeating: 0, count: scalarArgs.count), argumentPositions: argumentPositions)
        var checks = 0, held = 0
        for item in source.items[items] {
            try interrupt.check()
            var out: [FloatPoint] = []
            out.reserveCapacity(window.stepCount)
            let points = item.points
            // rate, increase and delta: count the drops once, so a window without one needs no scan.
            var drops: [Int32] = []
            if isExtrapolated && name != "delta" {
                drops.reserveCapacity(points.count)
                var count: Int32 = 0
                for i in points.indices {
                    if i > 0 && points[i].v < points[i - 1].v { count += 1 }
                    drops.append(count)
                }
            }
            try points.withUnsafeBufferPointer { (buffer: UnsafeBufferPointer<FloatPoint>) throws(QueryError) in
                // The window (end - range, end] only moves forward: two cursors, no searching.
                var from = Evaluator.firstIndex(points, after: source.windowEnd(window.start) - source.range - before)
                var to = from
                for step in 0..<window.stepCount {
                    checks &+= 1
                    if checks & 0xFFF == 0 { try interrupt.check() }
                    let t = window.time(step)
                    let end = source.windowEnd(t)
                    while from < buffer.count && buffer[from].t <= end - source.range - before { from += 1 }
                    if to < from { to = from }
                    while to < buffer.count && buffer[to].t <= end + after { to += 1 }
                    if from >= to { continue }
                    if source.anchored || source.smoothed {
                        if let v = Evaluator.extendedValue(name, points[from..<to], end - source.range, end, Double(source.range) / 1000, source) {
                            out.append(FloatPoint(t: t, v: v))
                        }
                        continue
                    }
                    if isExtrapolated {
                        if let v = RangeFunctions.extrapolatedRate(
                            UnsafeBufferPointer(rebasing: buffer[from..<to]), end - source.range, end, rc.rangeSeconds,
                            isCounter: name != "delta", isRate: name == "rate", resetFree: drops.isEmpty || drops[to - 1] == drops[from])
                        {
                            out.append(FloatPoint(t: t, v: v))
                        }
                        continue
                    }
                    rc.points = UnsafeBufferPointer(rebasing: buffer[from..<to])
                    rc.t = t
                    rc.rangeStart = end - source.range
                    rc.rangeEnd = end
                    for j in scalarArgs.indices { rc.scalars[j] = step < scalarArgs[j].count ? scalarArgs[j][step] : .nan }
                    if let v = try function(&rc) { out.append(FloatPoint(t: t, v: v)) }
                }
            }
            rc.points = Points(start: nil, count: 0)
            guard !out.isEmpty else { continue }
            held += out.count
            if held > samplesLeft { throw QueryError.tooManySamples }
            let drop = !keepsName || item.dropName
            let labels = drop && !delayedNameRemoval ? item.labels.droppingMetricName : item.labels
            outputs.append(Series(labels: labels, points: out, dropName: drop))
            if checksCounterNames, let metric = item.labels.metricName, !metric.isEmpty,
                !["_total", "_sum", "_count", "_bucket"].contains(where: { metric.hasSuffix($0) })
            {
                annotations.append(.possibleNonCounter(metric, rangePosition))
            }
        }
        return (outputs, annotations + rc.annotations)
    }

    /// Every share of `source.items`, run at once where there are enough series; outputs in series order.
    func runInShares() throws(QueryError) -> (outputs: [Series], annotations: [Annotation]) {
        let parts = try Evaluator.inShares(source.items.count, minimum: Self.minimumShare) { items throws(QueryError) in try run(items) }
        return (parts.flatMap(\.outputs), parts.flatMap(\.annotations))
    }
}
