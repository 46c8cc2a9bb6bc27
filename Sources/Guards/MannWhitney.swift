// Tollgate — Guards: the Mann-Whitney U test (Wilcoxon rank-sum), two-sided, normal approximation.

/// The result of a two-sided Mann-Whitney U test.
public struct MannWhitneyResult: Sendable, Equatable {
    /// U of the first sample: the number of (x, y) pairs with x > y, ties counting ½
    /// (the statistic `scipy.stats.mannwhitneyu` returns).
    public var u: Double
    /// The standardised statistic, max(U, n·m − U) − n·m/2 − ½ over its tie-corrected
    /// standard deviation; −∞ when every value is tied (the deviation is 0).
    public var z: Double
    /// The two-sided p-value, 2·P(Z > z) clipped to [0, 1]; 1 when every value is tied
    /// (no evidence of a difference, as SciPy answers).
    public var pValue: Double
    /// The sizes of the two samples.
    public var counts: (x: Int, y: Int) { (xCount, yCount) }
    let xCount: Int
    let yCount: Int

    /// Creates a result.
    public init(u: Double, z: Double, pValue: Double, xCount: Int, yCount: Int) {
        self.u = u
        self.z = z
        self.pValue = pValue
        self.xCount = xCount
        self.yCount = yCount
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.u == b.u && a.xCount == b.xCount && a.yCount == b.yCount
            && (a.z == b.z || (a.z.isNaN && b.z.isNaN)) && (a.pValue == b.pValue || (a.pValue.isNaN && b.pValue.isNaN))
    }
}

/// The Mann-Whitney U test, written here (no Swift package provides it).
///
/// It computes what `scipy.stats.mannwhitneyu(x, y, alternative="two-sided",
/// method="asymptotic", use_continuity=True)` computes, and what R's
/// `wilcox.test(x, y, exact=FALSE, correct=TRUE)` and Kayenta's judge use: average ranks
/// for ties, the normal approximation with the tie correction of the variance and a
/// continuity correction of ½.
///
/// ```swift
/// let result = MannWhitney.test([1.1, 2.3, 3.5], [0.4, 0.5, 0.9])
/// result?.u       // 9
/// result?.pValue  // 0.0809…
/// ```
public enum MannWhitney {
    /// Tests whether `x` and `y` come from the same distribution, against either shift.
    /// - Parameters:
    ///   - x: the first sample (the canary's values, in a guard).
    ///   - y: the second sample (the baseline's values).
    /// - Returns: U of `x`, z and the two-sided p-value; nil when a sample is empty or
    ///   holds a NaN (remove NaNs first).
    /// - Complexity: O((n + m) log(n + m)).
    public static func test(_ x: [Double], _ y: [Double]) -> MannWhitneyResult? {
        guard !x.isEmpty, !y.isEmpty, !x.contains(where: \.isNaN), !y.contains(where: \.isNaN) else { return nil }
        let n = Double(x.count), m = Double(y.count)
        let ranked = Ranking(x + y)
        var rankSum = 0.0
        for index in 0..<x.count { rankSum += ranked.ranks[index] }
        let u = rankSum - n * (n + 1) / 2
        let sigma = standardDeviation(n: n, m: m, tieTerm: ranked.tieTerm)
        let larger = max(u, n * m - u)
        // Every value tied: σ = 0, U = n·m/2, and z = −½/0 = −∞ gives p = 1, as in SciPy.
        let z = sigma > 0 ? (larger - n * m / 2 - 0.5) / sigma : -.infinity
        let p = min(1, max(0, 2 * NormalDistribution.survival(z)))
        return MannWhitneyResult(u: u, z: z, pValue: p, xCount: x.count, yCount: y.count)
    }

    /// The standard deviation of U under the null hypothesis, with the tie correction:
    /// √(n·m/12 · ((N + 1) − Σ(t³ − t) / (N(N − 1)))), N = n + m.
    static func standardDeviation(n: Double, m: Double, tieTerm: Double) -> Double {
        let total = n + m
        let correction = total > 1 ? tieTerm / (total * (total - 1)) : 0
        let variance = n * m / 12 * ((total + 1) - correction)
        return variance > 0 ? variance.squareRoot() : 0
    }
}

/// Average ranks (1-based) of a sample, with Σ(t³ − t) over its groups of tied values.
struct Ranking {
    /// The rank of each value, in the order given.
    var ranks: [Double]
    /// Σ(t³ − t) over the tie groups (t values equal to each other).
    var tieTerm = 0.0

    init(_ values: [Double]) {
        let order = values.indices.sorted { values[$0] < values[$1] }
        ranks = Array(repeating: 0, count: values.count)
        var start = 0
        while start < order.count {
            var end = start + 1
            while end < order.count && values[order[end]] == values[order[start]] { end += 1 }
            // Positions start..<end (0-based) share ranks start+1 ... end.
            let average = Double(start + 1 + end) / 2
            for position in start..<end { ranks[order[position]] = average }
            let t = Double(end - start)
            tieTerm += t * t * t - t
            start = end
        }
    }
}
