// Tollgate — Guards: a canary's values against its baseline's, as Kayenta's judge classifies a metric.

public import TollgateConfig

/// Kayenta's Mann-Whitney classifier (`MannWhitneyClassifier.scala`, NetflixACAJudge-v1.0)
/// for one metric: the test, the Hodges–Lehmann shift with its interval, the mean ratio,
/// and High / Low / Pass.
public enum CanaryJudge {
    /// Kayenta's tolerance: a shift counts only when its interval clears ±25 % of the estimate.
    public static let tolerance = 0.25

    /// Compares `canary` with `baseline` (NaN and infinite values already removed).
    ///
    /// Identical samples, or a single distinct value in both, pass. Otherwise the canary
    /// is `high` when the interval's lower bound is above 0.25·|estimate|, the direction
    /// allows an increase and the mean ratio (when defined) is at least `allowedIncrease`;
    /// `low` symmetrically; else `pass`.
    /// - Returns: nil when either sample is empty (no data).
    public static func compare(
        canary: [Double], baseline: [Double], baselineQuery: String, comparison: GuardCheckSpec.Comparison
    ) -> ComparisonEvidence? {
        guard !canary.isEmpty, !baseline.isEmpty else { return nil }
        let test = MannWhitney.test(canary, baseline)
        let shift = HodgesLehmann.shift(canary, baseline, confidence: comparison.confidence)
        let ratio = EffectSize.meanRatio(canary: canary, baseline: baseline)
        var classification = ComparisonEvidence.Classification.pass
        let sortedCanary = canary.sorted(), sortedBaseline = baseline.sorted()
        let oneValue = Set(canary + baseline).count == 1
        if sortedCanary != sortedBaseline && !oneValue, let shift {
            let band = tolerance * abs(shift.estimate)
            let increaseAllowed = comparison.direction != .decrease
            let decreaseAllowed = comparison.direction != .increase
            if increaseAllowed && shift.lower > band && (ratio.isNaN || ratio >= comparison.allowedIncrease) {
                classification = .high
            } else if decreaseAllowed && shift.upper < -band && (ratio.isNaN || ratio <= comparison.allowedDecrease) {
                classification = .low
            }
        }
        return ComparisonEvidence(
            baselineQuery: baselineQuery, canary: canary, baseline: baseline, canaryMean: EffectSize.mean(canary),
            baselineMean: EffectSize.mean(baseline), test: test, shift: shift, effectSize: ratio, direction: comparison.direction,
            confidence: comparison.confidence, allowedIncrease: comparison.allowedIncrease, allowedDecrease: comparison.allowedDecrease,
            classification: classification)
    }
}
