// Tollgate — Guards: the Hodges–Lehmann shift estimate and its confidence interval.

/// The shift of one sample against another: the Hodges–Lehmann estimate with its
/// confidence interval.
public struct ShiftEstimate: Sendable, Equatable {
    /// The Hodges–Lehmann estimate: the median of the pairwise differences x − y.
    public var estimate: Double
    /// The interval's lower bound.
    public var lower: Double
    /// The interval's upper bound.
    public var upper: Double
    /// The confidence level the interval was computed at.
    public var confidence: Double

    /// Creates an estimate.
    public init(estimate: Double, lower: Double, upper: Double, confidence: Double) {
        self.estimate = estimate
        self.lower = lower
        self.upper = upper
        self.confidence = confidence
    }
}

/// The Hodges–Lehmann estimate of the shift between two samples and its asymptotic
/// confidence interval, as Kayenta's judge computes them (`kayenta-mannwhitney`'s
/// `MannWhitney.calculateConfidenceInterval`, itself R's `wilcox.test(conf.int=TRUE,
/// exact=FALSE, correct=TRUE)`).
///
/// The interval's bounds are where the standardised rank-sum statistic of (x − d, y),
/// continuity- and tie-corrected, crosses ±z(1 − α/2) as the shift d moves from
/// min(x) − max(y) to max(x) − min(y). That statistic is a step function of d that
/// jumps only at the pairwise differences, so each bound is found exactly, by bisection
/// over the sorted differences, where R and Kayenta run a root finder to a tolerance
/// of 1e-4 (Kayenta's solver is built with a relative accuracy of 1000, so it stops at
/// the first bracket; its bounds are then the search interval's ends or midpoint).
public enum HodgesLehmann {
    /// The shift of `x` against `y` with its interval at `confidence`.
    /// - Parameters:
    ///   - x: the shifted sample (the canary's values).
    ///   - y: the reference sample (the baseline's values).
    ///   - confidence: the interval's level, in (0, 1), e.g. 0.98.
    /// - Returns: nil when a sample is empty, holds a NaN, or the confidence is outside
    ///   (0, 1). When both samples are constant (R refuses: "cannot compute confidence
    ///   interval when all observations are tied"; Kayenta adds tiny noise first) every
    ///   pairwise difference is the same and the estimate and both bounds are that difference.
    /// - Complexity: O(n·m log(n·m)) for the pairwise differences.
    public static func shift(_ x: [Double], _ y: [Double], confidence: Double) -> ShiftEstimate? {
        guard !x.isEmpty, !y.isEmpty, confidence > 0, confidence < 1,
            !x.contains(where: \.isNaN), !y.contains(where: \.isNaN)
        else { return nil }
        var differences: [Double] = []
        differences.reserveCapacity(x.count * y.count)
        for a in x { for b in y { differences.append(a - b) } }
        differences.sort()
        guard let low = differences.first, let high = differences.last else { return nil }
        // Every pairwise difference equal (both samples constant): the shift is known exactly,
        // the limit of Kayenta's adding tiny noise to two constant samples.
        if low == high { return ShiftEstimate(estimate: low, lower: low, upper: high, confidence: confidence) }
        let statistic = Statistic(x: x, y: y)
        let z = NormalDistribution.quantile(1 - (1 - confidence) / 2)
        let count = differences.count
        let median = count % 2 == 1 ? differences[count / 2] : (differences[count / 2 - 1] + differences[count / 2]) / 2
        // Lower bound: the smallest d where the statistic minus z drops to ≤ 0.
        let lower: Double
        if statistic.value(at: low) - z <= 0 {
            lower = low
        } else {
            lower = crossing(differences) { statistic.value(at: $0) - z <= 0 } ?? high
        }
        // Upper bound: the largest d where the statistic plus z is still ≥ 0.
        let upper: Double
        if statistic.value(at: high) + z >= 0 {
            upper = high
        } else {
            upper = crossing(differences) { statistic.value(at: $0) + z < 0 } ?? high
        }
        return ShiftEstimate(estimate: median, lower: lower, upper: upper, confidence: confidence)
    }

    /// The first distinct difference v such that `holds` is true just after v (between v
    /// and the next larger difference); `holds` must be false then true as d grows.
    static func crossing(_ sorted: [Double], _ holds: (Double) -> Bool) -> Double? {
        var distinct: [Double] = []
        for value in sorted where distinct.last != value { distinct.append(value) }
        // After the last difference the statistic is at its minimum: test just past it.
        func after(_ index: Int) -> Double {
            index + 1 < distinct.count ? (distinct[index] + distinct[index + 1]) / 2 : distinct[index] + max(1, abs(distinct[index]))
        }
        var lo = 0, hi = distinct.count - 1
        guard holds(after(hi)) else { return nil }
        while lo < hi {
            let mid = (lo + hi) / 2
            if holds(after(mid)) { hi = mid } else { lo = mid + 1 }
        }
        return distinct[lo]
    }

    /// R's `wdiff` without the quantile: the standardised, continuity-corrected rank sum of
    /// x − d among (x − d, y).
    struct Statistic {
        let x: [Double]
        let y: [Double]

        func value(at d: Double) -> Double {
            let n = Double(x.count), m = Double(y.count)
            let ranked = Ranking(x.map { $0 - d } + y)
            var rankSum = 0.0
            for index in 0..<x.count { rankSum += ranked.ranks[index] }
            let dz = rankSum - n * (n + 1) / 2 - n * m / 2
            let correction = dz > 0 ? 0.5 : dz < 0 ? -0.5 : 0
            let sigma = MannWhitney.standardDeviation(n: n, m: m, tieTerm: ranked.tieTerm)
            return sigma > 0 ? (dz - correction) / sigma : .nan
        }
    }
}
