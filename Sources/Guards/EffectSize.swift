// Tollgate — Guards: effect sizes of a canary against its baseline.

/// Effect sizes as Kayenta's judge defines them (`EffectSizes.scala`).
public enum EffectSize {
    /// mean(canary) / mean(baseline); NaN when either mean is 0 or a sample is empty
    /// (Kayenta's `meanRatio`: the ratio then means nothing and is ignored).
    public static func meanRatio(canary: [Double], baseline: [Double]) -> Double {
        let canaryMean = mean(canary), baselineMean = mean(baseline)
        guard canaryMean != 0, baselineMean != 0 else { return .nan }
        return canaryMean / baselineMean
    }

    /// The arithmetic mean; NaN for an empty sample.
    public static func mean(_ values: [Double]) -> Double {
        values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
    }
}
