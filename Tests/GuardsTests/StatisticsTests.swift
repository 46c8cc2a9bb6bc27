// Tollgate — the statistics against SciPy and against published values.

import Foundation
@testable import Guards
import TestSupport
import Testing

struct StatisticsTests {
    /// Random, tied, constant and tiny samples, at several confidence levels.
    static func cases() -> [(x: [Double], y: [Double], confidence: Double)] {
        var rng = SplitMix(seed: 15)
        var cases: [(x: [Double], y: [Double], confidence: Double)] = []
        let confidences = [0.9, 0.95, 0.98, 0.99]
        for index in 0..<400 {
            let n = [1, 2, 3, 5, 8, 20, 40][index % 7], m = [1, 2, 3, 4, 10, 25][index % 6]
            let shift = Double(index % 5) * 0.3
            let x: [Double], y: [Double]
            switch index % 4 {
            case 0:  // continuous values
                x = (0..<n).map { _ in Double.random(in: 0..<1, using: &rng) + shift }
                y = (0..<m).map { _ in Double.random(in: 0..<1, using: &rng) }
            case 1:  // many ties: small integers
                x = (0..<n).map { _ in Double(Int.random(in: 0...3, using: &rng)) + (shift > 0.5 ? 1 : 0) }
                y = (0..<m).map { _ in Double(Int.random(in: 0...3, using: &rng)) }
            case 2:  // latency-like: a heavy tail
                x = (0..<n).map { _ in 0.1 * exp(Double.random(in: 0..<2, using: &rng)) * (1 + shift) }
                y = (0..<m).map { _ in 0.1 * exp(Double.random(in: 0..<2, using: &rng)) }
            default:  // one sample constant, the other not (or both, every 3rd time)
                x = Array(repeating: 0.25, count: n)
                y = index % 3 == 0 ? Array(repeating: 0.25, count: m) : (0..<m).map { _ in Double(Int.random(in: 0...2, using: &rng)) * 0.25 }
            }
            cases.append((x, y, confidences[index % confidences.count]))
        }
        return cases
    }

    static func close(_ a: Double, _ b: Double, relative: Double) -> Bool {
        if a.isNaN || b.isNaN { return a.isNaN && b.isNaN }
        return abs(a - b) <= relative * max(abs(a), abs(b)) || abs(a - b) < 1e-300
    }

    @Test func mannWhitneyAgreesWithSciPy() throws {
        let cases = Self.cases()
        let (answers, reason) = SciPyOracle.answers(cases)
        guard let answers else {
            print("skipped: mannWhitneyAgreesWithSciPy: \(reason)")
            return
        }
        var worstU = 0.0, worstP = 0.0, compared = 0
        for (index, (c, answer)) in zip(cases, answers).enumerated() {
            let result = try #require(MannWhitney.test(c.x, c.y))
            #expect(Self.close(result.u, answer.u, relative: 1e-9), "case \(index): U \(result.u) vs SciPy \(answer.u)")
            #expect(Self.close(result.pValue, answer.p, relative: 1e-9), "case \(index): p \(result.pValue) vs SciPy \(answer.p) for \(c.x) \(c.y)")
            if !answer.p.isNaN {
                worstU = max(worstU, abs(result.u - answer.u) / max(1, abs(answer.u)))
                worstP = max(worstP, abs(result.pValue - answer.p) / max(abs(answer.p), 1e-300))
                compared += 1
            }
        }
        print("SciPy agreement: \(cases.count) cases (\(compared) with a p-value), worst relative difference U \(worstU), p \(worstP)")
        #expect(compared == cases.count)
    }

    @Test func hodgesLehmannIntervalAgreesWithRootFinding() throws {
        let cases = Self.cases()
        let (answers, reason) = SciPyOracle.answers(cases)
        guard let answers else {
            print("skipped: hodgesLehmannIntervalAgreesWithRootFinding: \(reason)")
            return
        }
        var worst = 0.0
        for (index, (c, answer)) in zip(cases, answers).enumerated() {
            let shift = try #require(HodgesLehmann.shift(c.x, c.y, confidence: c.confidence))
            let scale = max(1, abs(answer.lower), abs(answer.upper))
            #expect(abs(shift.lower - answer.lower) <= 1e-9 * scale, "case \(index): lower \(shift.lower) vs \(answer.lower) for \(c.x) \(c.y) at \(c.confidence)")
            #expect(abs(shift.upper - answer.upper) <= 1e-9 * scale, "case \(index): upper \(shift.upper) vs \(answer.upper)")
            #expect(shift.lower <= shift.estimate && shift.estimate <= shift.upper, "case \(index): estimate outside its interval")
            #expect(Self.close(NormalDistribution.quantile(1 - (1 - c.confidence) / 2), answer.quantile, relative: 1e-12))
            worst = max(worst, abs(shift.lower - answer.lower) / scale, abs(shift.upper - answer.upper) / scale)
        }
        print("Hodges–Lehmann interval vs brentq: \(cases.count) cases, worst relative difference \(worst)")
    }

    /// R's `?wilcox.test` example (Hollander & Wolfe, Nonparametric Statistical Methods,
    /// 1973, p. 69): permeability constants of the human chorioamnion, W = 35.
    @Test func hollanderWolfeExample() throws {
        let x = [0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46]
        let y = [1.15, 0.88, 0.90, 0.74, 1.21]
        let result = try #require(MannWhitney.test(x, y))
        #expect(result.u == 35)
        // No ties: σ = √(10·5·16/12); z = (35 − 25 − ½)/σ.
        let sigma = (10.0 * 5 * 16 / 12).squareRoot()
        #expect(abs(result.z - 9.5 / sigma) < 1e-12)
        #expect(abs(result.pValue - 2 * NormalDistribution.survival(9.5 / sigma)) < 1e-15)
    }

    /// ClickHouse's `mannWhitneyUTest` test (tests/queries/0_stateless/01560_mann_whitney.sql):
    /// U = 223, p = 0.5426959774289482 (two-sided, continuity correction).
    @Test func clickHouseExample() throws {
        let left: [Double] = [310, 195, 530, 155, 530, 245, 385, 450, 465, 545, 170, 180, 125, 180, 230, 75, 430, 480, 495, 295]
        let right: [Double] = [116, 171, 176, 421, 111, 326, 481, 111, 346, 441, 261, 411, 206, 521, 456, 446, 296, 51, 426, 261]
        let result = try #require(MannWhitney.test(left, right))
        #expect(result.u == 223)
        #expect(abs(result.pValue - 0.5426959774289482) < 1e-12)
    }

    /// Kayenta's own test (kayenta-mannwhitney MannWhitneySuite, "returns expected values"):
    /// control 1…4, experiment 10…40, 95 %: interval [6, 39], estimate 22.5.
    @Test func kayentaExample() throws {
        let shift = try #require(HodgesLehmann.shift([10, 20, 30, 40], [1, 2, 3, 4], confidence: 0.95))
        #expect(shift.lower == 6)
        #expect(shift.upper == 39)
        #expect(shift.estimate == 22.5)
    }

    @Test func normalQuantileKnownValues() {
        #expect(abs(NormalDistribution.quantile(0.975) - 1.959963984540054) < 1e-15)
        #expect(abs(NormalDistribution.quantile(0.99) - 2.3263478740408408) < 1e-15)
        #expect(abs(NormalDistribution.quantile(1e-10) + 6.361340902404056) < 1e-12)
        #expect(NormalDistribution.quantile(0.5) == 0)
        #expect(NormalDistribution.quantile(0) == -.infinity)
        #expect(NormalDistribution.quantile(1.5).isNaN)
    }

    @Test func edgeCases() throws {
        #expect(MannWhitney.test([], [1]) == nil)
        #expect(MannWhitney.test([1], []) == nil)
        #expect(MannWhitney.test([.nan], [1]) == nil)
        #expect(HodgesLehmann.shift([], [1], confidence: 0.98) == nil)
        #expect(HodgesLehmann.shift([1], [2], confidence: 1) == nil)
        // Every value tied: no evidence of a difference, p = 1 as SciPy answers.
        let tied = try #require(MannWhitney.test([2, 2, 2], [2, 2]))
        #expect(tied.u == 3 && tied.pValue == 1 && tied.z == -.infinity)
        // Two constant samples: the shift is exact.
        let constant = try #require(HodgesLehmann.shift([5, 5, 5], [3, 3], confidence: 0.98))
        #expect(constant == ShiftEstimate(estimate: 2, lower: 2, upper: 2, confidence: 0.98))
        // One value each: U is 0, ½ or 1, p is 1 (clipped).
        let single = try #require(MannWhitney.test([2], [1]))
        #expect(single.u == 1 && single.pValue == 1)
        #expect(EffectSize.meanRatio(canary: [2, 4], baseline: [1.5, 1.5]) == 2)
        #expect(EffectSize.meanRatio(canary: [2], baseline: [0]).isNaN)
    }
}
