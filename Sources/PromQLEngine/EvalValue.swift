// Tollgate — PromQL engine: intermediate values and the evaluation window.

import Model

/// The steps one node is evaluated at: `start`, `start + interval`, … `end`.
/// An instant query is a window with `start == end` (and interval 1, as in Prometheus).
struct EvalWindow: Sendable {
    var start: Int64
    var end: Int64
    var interval: Int64

    var stepCount: Int { end < start ? 0 : Int((end - start) / interval) + 1 }
    var isInstant: Bool { start == end }
    func time(_ step: Int) -> Int64 { start + Int64(step) * interval }
}

/// One series while evaluating: labels and points (at step times for instant vectors,
/// at sample times for range vectors).
typealias Series = RangeSeries

/// The value of a node over a whole window.
enum EvalValue {
    /// One value per step.
    case scalar([Double])
    case string(String)
    /// An instant vector over the window (points at step times), or a range vector
    /// (an instant evaluation of a range selector or subquery).
    case series([Series])

    var seriesList: [Series] {
        if case .series(let list) = self { return list }
        return []
    }

    var scalars: [Double] {
        if case .scalar(let values) = self { return values }
        return []
    }
}

/// One element of an instant vector at one step, with the input series it came from.
struct StepSample {
    var labels: Labels
    var v: Double
    var dropName: Bool
    /// Index of the input series, for vector matching.
    var series: Int
    /// The sample's own timestamp (for `timestamp()` over a selector), else the step time.
    var t: Int64
}

/// Walks series whose points sit at step times, handing out the vector of each step.
struct StepGatherer {
    let series: [Series]
    private var cursors: [Int]

    init(_ series: [Series]) {
        self.series = series
        cursors = Array(repeating: 0, count: series.count)
    }

    /// The samples at `t`; every series' cursor moves past `t`.
    mutating func vector(at t: Int64, into out: inout [StepSample]) {
        out.removeAll(keepingCapacity: true)
        for i in series.indices {
            let points = series[i].points
            var c = cursors[i]
            while c < points.count && points[c].t < t { c += 1 }
            if c < points.count && points[c].t == t {
                out.append(StepSample(labels: series[i].labels, v: points[c].v, dropName: series[i].dropName, series: i, t: t))
                c += 1
            }
            cursors[i] = c
        }
    }
}

/// Collects the per-step outputs of an operation into series.
struct SeriesCollector {
    private(set) var series: [Series] = []
    private var index: [Labels: Int] = [:]
    private var lastStep: [Int64] = []
    let instant: Bool
    /// In instant windows, duplicates are an error only without delayed name removal.
    let instantDuplicatesAreErrors: Bool

    init(instant: Bool, instantDuplicatesAreErrors: Bool) {
        self.instant = instant
        self.instantDuplicatesAreErrors = instantDuplicatesAreErrors
    }

    mutating func add(_ labels: Labels, t: Int64, v: Double, dropName: Bool) throws(QueryError) {
        if instant {
            if instantDuplicatesAreErrors {
                if index[labels] != nil { throw QueryError.duplicateLabelset }
                index[labels] = series.count
            }
            series.append(Series(labels: labels, points: [FloatPoint(t: t, v: v)], dropName: dropName))
            return
        }
        if let i = index[labels] {
            if lastStep[i] == t { throw QueryError.duplicateLabelset }
            lastStep[i] = t
            series[i].points.append(FloatPoint(t: t, v: v))
        } else {
            index[labels] = series.count
            lastStep.append(t)
            series.append(Series(labels: labels, points: [FloatPoint(t: t, v: v)], dropName: dropName))
        }
    }
}

extension QueryError {
    static let duplicateLabelset = QueryError(.execution, "vector cannot contain metrics with the same labelset")
    /// The error of a query over `maxSamples` (the API counts it as refused by that limit).
    package static let tooManySamples = QueryError(.execution, "query processing would load too many samples into memory in query execution")
}
