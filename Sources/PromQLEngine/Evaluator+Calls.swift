// Tollgate — PromQL engine: function calls.

import Model
import PromQL

extension Expr {
    /// The expression inside any parentheses.
    var unwrapped: Expr {
        if case .paren(let p) = self { return p.expr.unwrapped }
        return self
    }

    /// The value of a string literal argument.
    var stringValue: String {
        if case .string(let s) = unwrapped { return s.value }
        return ""
    }

    /// Whether a string literal argument is a valid label name: non-empty and valid UTF-8
    /// (Prometheus 3.x allows any UTF-8 name; `"\xff"` is refused).
    var isValidLabelName: Bool {
        if case .string(let s) = unwrapped { return !s.value.isEmpty && s.isValidUTF8 }
        return false
    }
}

extension Evaluator {
    func evalCall(_ call: Call, _ window: EvalWindow) throws(QueryError) -> EvalValue {
        let name = call.function.name
        switch name {
        case "timestamp":
            if case .vectorSelector(let s) = call.args[0].unwrapped {
                return .series(dropNames(try evalVectorSelector(s, window, timestamps: true)))
            }
        case "label_replace": return .series(try labelReplace(call, window))
        case "label_join": return .series(try labelJoin(call, window))
        case "info", "start_timestamp":
            throw QueryError(.execution, "function \"\(name)\" is not supported by this version of Tollgate yet")
        default: break
        }
        if let index = call.args.firstIndex(where: { $0.type == .matrix }) {
            return try evalRangeCall(call, rangeArgument: index, window)
        }
        return try evalInstantCall(call, window)
    }

    /// Drops names (now, or at the end with delayed name removal).
    func dropNames(_ list: [Series]) -> [Series] {
        list.map { s in
            var s = s
            if !delayedNameRemoval { s.labels = s.labels.droppingMetricName }
            s.dropName = true
            return s
        }
    }

    func dropName(_ sample: StepSample) -> StepSample {
        var sample = sample
        if !delayedNameRemoval { sample.labels = sample.labels.droppingMetricName }
        sample.dropName = true
        return sample
    }

    // MARK: - Functions over range vectors

    private func evalRangeCall(_ call: Call, rangeArgument index: Int, _ window: EvalWindow) throws(QueryError) -> EvalValue {
        let name = call.function.name
        var scalarArgs: [[Double]] = []
        var positions: [PositionRange] = []
        for (i, arg) in call.args.enumerated() where i != index {
            scalarArgs.append(try eval(arg, window).scalars)
            positions.append(arg.position)
        }
        guard let source = try rangeSource(call.args[index], window), let function = RangeFunctions.table[name] else {
            throw QueryError(.execution, "unsupported range function \"\(name)\"")
        }
        try checkExtendedModifiers(name, anchored: source.anchored, smoothed: source.smoothed)
        let job = RangeCallJob(
            name: name, function: function, scalarArgs: scalarArgs, argumentPositions: positions, rangePosition: call.args[index].position,
            delayedNameRemoval: delayedNameRemoval, window: window, source: source, lookback: options.lookbackDelta, interrupt: interrupt,
            samplesLeft: options.maxSamples - currentSamples)
        let (result, annotations) = try job.runInShares()
        try checkInterruptNow()
        try hold(result.reduce(0) { $0 + $1.points.count })
        for annotation in annotations { annotate(annotation) }
        if name == "absent_over_time" { return .series(absentOverTime(result, call.args[index], window)) }
        // Dropping the name can only make two series equal when they had different names.
        let oneName = source.items.allSatisfy { $0.labels.metricName == source.items.first?.labels.metricName }
        if !delayedNameRemoval && !oneName { return .series(try mergeSameLabelsets(result)) }
        return .series(result)
    }

    /// A function of an anchored or smoothed window.
    static func extendedValue(_ name: String, _ points: ArraySlice<FloatPoint>, _ rangeStart: Int64, _ rangeEnd: Int64, _ seconds: Double, _ source: RangeSource) -> Double? {
        switch name {
        case "rate", "increase", "delta":
            return extendedRate(points, rangeStart: rangeStart, rangeEnd: rangeEnd, rangeSeconds: seconds, smoothed: source.smoothed,
                isCounter: name != "delta", isRate: name == "rate")
        default:  // changes and resets, anchored: from the last sample at or before the range start
            guard let first = anchoredStart(points, rangeStart: rangeStart) else { return nil }
            var count = 0.0
            var previous: Double?
            for p in points[first...] {
                if let previous, name == "resets" ? p.v < previous : (p.v != previous && !(p.v.isNaN && previous.isNaN)) { count += 1 }
                previous = p.v
            }
            return count
        }
    }

    /// One series `{labels from the selector's equality matchers}` with 1 at every step where
    /// no input series had a sample.
    private func absentOverTime(_ present: [Series], _ arg: Expr, _ window: EvalWindow) -> [Series] {
        var covered = Set<Int64>()
        for s in present { for p in s.points { covered.insert(p.t) } }
        var points: [FloatPoint] = []
        for step in 0..<window.stepCount where !covered.contains(window.time(step)) {
            points.append(FloatPoint(t: window.time(step), v: 1))
        }
        return points.isEmpty ? [] : [Series(labels: Self.absentLabels(arg), points: points, dropName: true)]
    }

    /// The labels `absent` reports: each equality matcher's, unless the name is matched twice.
    static func absentLabels(_ arg: Expr) -> Labels {
        let matchers: [LabelMatcher]
        switch arg.unwrapped {
        case .vectorSelector(let s): matchers = s.matchers
        case .matrixSelector(let m): matchers = m.selector.matchers
        default: return Labels()
        }
        var values: [String: String] = [:]
        var seen = Set<String>()
        for m in matchers where m.name != metricNameLabel {
            if m.kind == .equal && !seen.contains(m.name) {
                values[m.name] = m.value
                seen.insert(m.name)
            } else {
                values[m.name] = nil
            }
        }
        return LabelsBuilder(Labels(values)).labels
    }
}
