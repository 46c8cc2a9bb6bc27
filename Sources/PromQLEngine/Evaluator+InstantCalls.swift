// Tollgate — PromQL engine: functions over instant vectors and scalars.

import Model
import PromQL

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Evaluator {
    func evalInstantCall(_ call: Call, _ window: EvalWindow) throws(QueryError) -> EvalValue {
        let name = call.function.name
        var operands: [EvalValue] = []
        for arg in call.args { operands.append(try eval(arg, window)) }
        func scalar(_ i: Int, _ step: Int) -> Double {
            let values = operands[i].scalars
            return step < values.count ? values[step] : .nan
        }

        // Functions whose result is a scalar.
        switch name {
        case "time": return .scalar((0..<window.stepCount).map { Double(window.time($0)) / 1000 })
        case "pi": return .scalar(Array(repeating: Double.pi, count: window.stepCount))
        case "min_of", "max_of":
            let a = operands[0].scalars, b = operands[1].scalars
            return .scalar(zip(a, b).map { name == "min_of" ? goMin($0, $1) : goMax($0, $1) })
        case "step", "range", "start", "end":
            let seconds = Double(name == "step" ? query.step : name == "range" ? query.end - query.start : name == "start" ? query.start : query.end) / 1000
            return .scalar(Array(repeating: seconds, count: window.stepCount))
        case "scalar":
            var gatherer = StepGatherer(operands[0].seriesList)
            var vector: [StepSample] = []
            var values: [Double] = []
            for step in 0..<window.stepCount {
                gatherer.vector(at: window.time(step), into: &vector)
                values.append(vector.count == 1 ? vector[0].v : .nan)
            }
            return .scalar(values)
        default: break
        }

        if let transform = Self.elementwise[name] {
            // One output per float input element, name dropped.
            let list = operands.first?.seriesList ?? []
            if ["days_in_month", "day_of_month", "day_of_week", "day_of_year", "hour", "minute", "month", "year"].contains(name),
                call.args.isEmpty
            {
                let points = (0..<window.stepCount).map { step in
                    FloatPoint(t: window.time(step), v: transform(Double(window.time(step) / 1000), []))
                }
                return .series([Series(labels: Labels(), points: points)])
            }
            var out = dropNames(list)
            let extraCount = operands.count - 1
            for i in out.indices {
                for j in out[i].points.indices {
                    let t = out[i].points[j].t
                    let step = Int((t - window.start) / window.interval)
                    let extra = (0..<extraCount).map { scalar($0 + 1, step) }
                    out[i].points[j].v = transform(out[i].points[j].v, extra)
                }
            }
            if name == "clamp" || name == "clamp_min" || name == "clamp_max" {
                out = clampFilter(out, name, operands, window)
            }
            return .series(delayedNameRemoval ? out : try mergeSameLabelsets(out))
        }

        let list = try rangeEval(window, operands) { (t: Int64, step: Int, vectors: [[StepSample]]) throws(QueryError) -> [StepSample] in
            switch name {
            case "vector": return [StepSample(labels: Labels(), v: scalar(0, step), dropName: false, series: 0, t: t)]
            case "absent":
                return vectors[0].isEmpty ? [StepSample(labels: Self.absentLabels(call.args[0]), v: 1, dropName: false, series: 0, t: t)] : []
            case "sort": return Self.sortByValue(vectors[0], descending: false)
            case "sort_desc": return Self.sortByValue(vectors[0], descending: true)
            case "sort_by_label", "sort_by_label_desc":
                let names = call.args.dropFirst().map(\.stringValue)
                return Self.sortByLabels(vectors[0], names, descending: name == "sort_by_label_desc")
            case "timestamp": return vectors[0].map { self.dropName(StepSample(labels: $0.labels, v: Double($0.t) / 1000, dropName: $0.dropName, series: $0.series, t: $0.t)) }
            case "histogram_quantile":
                return try self.histogramQuantile(scalar(0, step), vectors[1], t: t, call: call)
            case "histogram_quantiles":
                let qs = (2..<call.args.count).map { scalar($0, step) }
                return try self.histogramQuantiles(qs, label: call.args[1].stringValue, vectors[0], t: t, call: call)
            case "histogram_fraction":
                return try self.histogramFraction(scalar(0, step), scalar(1, step), vectors[2], call: call)
            case "histogram_count", "histogram_sum", "histogram_avg", "histogram_stddev", "histogram_stdvar":
                return []  // Native histograms only; float samples are ignored.
            default:
                throw QueryError(.execution, "unsupported function \"\(name)\"")
            }
        }
        return .series(list)
    }

    /// clamp with max < min returns nothing at that step.
    private func clampFilter(_ list: [Series], _ name: String, _ operands: [EvalValue], _ window: EvalWindow) -> [Series] {
        guard name == "clamp" else { return list }
        let mins = operands[1].scalars, maxs = operands[2].scalars
        return list.compactMap { s in
            var s = s
            s.points.removeAll { p in
                let step = Int((p.t - window.start) / window.interval)
                return step < mins.count && step < maxs.count && maxs[step] < mins[step]
            }
            return s.points.isEmpty ? nil : s
        }
    }

    /// Functions applied to each float element; the extra arguments are scalars at that step.
    static let elementwise: [String: @Sendable (Double, [Double]) -> Double] = [
        "abs": { v, _ in abs(v) }, "ceil": { v, _ in v.rounded(.up) }, "floor": { v, _ in v.rounded(.down) },
        "exp": { v, _ in exp(v) }, "sqrt": { v, _ in v.squareRoot() }, "ln": { v, _ in log(v) },
        "log2": { v, _ in log2(v) }, "log10": { v, _ in log10(v) },
        "sin": { v, _ in sin(v) }, "cos": { v, _ in cos(v) }, "tan": { v, _ in tan(v) },
        "asin": { v, _ in asin(v) }, "acos": { v, _ in acos(v) }, "atan": { v, _ in atan(v) },
        "sinh": { v, _ in sinh(v) }, "cosh": { v, _ in cosh(v) }, "tanh": { v, _ in tanh(v) },
        "asinh": { v, _ in asinh(v) }, "acosh": { v, _ in acosh(v) }, "atanh": { v, _ in atanh(v) },
        "rad": { v, _ in v * Double.pi / 180 }, "deg": { v, _ in v * 180 / Double.pi },
        "sgn": { v, _ in v < 0 ? -1 : v > 0 ? 1 : v },
        "clamp": { v, a in goMax(a[0], goMin(a[1], v)) },
        "clamp_min": { v, a in goMax(a[0], goMin(.infinity, v)) },
        "clamp_max": { v, a in goMax(-.infinity, goMin(a[0], v)) },
        "round": { v, a in
            let inverse = 1.0 / (a.first ?? 1)
            return (v * inverse + 0.5).rounded(.down) / inverse
        },
        "days_in_month": { v, _ in CivilTime(v).daysInMonth }, "day_of_month": { v, _ in CivilTime(v).day },
        "day_of_week": { v, _ in CivilTime(v).weekday }, "day_of_year": { v, _ in CivilTime(v).dayOfYear },
        "hour": { v, _ in CivilTime(v).hour }, "minute": { v, _ in CivilTime(v).minute },
        "month": { v, _ in CivilTime(v).month }, "year": { v, _ in CivilTime(v).year },
    ]

    /// Orders by value; NaNs last (Prometheus sorts NaN to the bottom either way).
    static func sortByValue(_ vector: [StepSample], descending: Bool) -> [StepSample] {
        vector.sorted { a, b in
            if a.v.isNaN { return false }
            if b.v.isNaN { return true }
            return descending ? a.v > b.v : a.v < b.v
        }
    }

    static func sortByLabels(_ vector: [StepSample], _ names: [String], descending: Bool) -> [StepSample] {
        vector.sorted { a, b in
            for name in names {
                let x = a.labels.value(name), y = b.labels.value(name)
                if x == y { continue }
                return NaturalOrder.less(x, y) != descending
            }
            return descending ? Labels.precedes(b.labels, a.labels) : Labels.precedes(a.labels, b.labels)
        }
    }
}


/// Go's `math.Max`: +Inf wins, then NaN; +0 beats -0.
func goMax(_ x: Double, _ y: Double) -> Double {
    if x == .infinity || y == .infinity { return .infinity }
    if x.isNaN || y.isNaN { return .nan }
    if x == 0 && y == 0 { return x.sign == .minus ? y : x }
    return x > y ? x : y
}

/// Go's `math.Min`: -Inf wins, then NaN; -0 beats +0.
func goMin(_ x: Double, _ y: Double) -> Double {
    if x == -.infinity || y == -.infinity { return -.infinity }
    if x.isNaN || y.isNaN { return .nan }
    if x == 0 && y == 0 { return x.sign == .minus ? x : y }
    return x < y ? x : y
}
