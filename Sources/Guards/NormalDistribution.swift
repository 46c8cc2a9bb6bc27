// Tollgate — Guards: the standard normal distribution (tail probability and quantile), written by hand.

import Foundation

/// The standard normal distribution's tail probability and quantile, as the Mann-Whitney
/// test and the Hodges–Lehmann interval need them.
///
/// The tail uses the C library's `erfc`, so small p-values keep their relative precision
/// (as SciPy's `norm.sf` does); the quantile is Wichura's algorithm AS 241 (`PPND16`,
/// Applied Statistics 37(3), 1988), accurate to about 1e-16.
public enum NormalDistribution {
    /// P(Z > z) for a standard normal Z (SciPy's `norm.sf`).
    public static func survival(_ z: Double) -> Double {
        if z.isNaN { return .nan }
        return 0.5 * erfc(z / 2.0.squareRoot())
    }

    /// P(Z ≤ z) for a standard normal Z (SciPy's `norm.cdf`).
    public static func cdf(_ z: Double) -> Double { survival(-z) }

    /// The z with P(Z ≤ z) = p (SciPy's `norm.ppf`, R's `qnorm`): −∞ at 0, +∞ at 1, NaN outside [0, 1].
    public static func quantile(_ p: Double) -> Double {
        guard p >= 0 && p <= 1 else { return .nan }
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        let q = p - 0.5
        if abs(q) <= 0.425 {
            let r = 0.180625 - q * q
            return q * poly(r, a) / poly(r, b)
        }
        var r = q < 0 ? p : 1 - p
        r = (-log(r)).squareRoot()
        let value: Double
        if r <= 5 {
            r -= 1.6
            value = poly(r, c) / poly(r, d)
        } else {
            r -= 5
            value = poly(r, e) / poly(r, f)
        }
        return q < 0 ? -value : value
    }

    /// Σ coefficients[i] · x^i, by Horner's rule.
    private static func poly(_ x: Double, _ coefficients: [Double]) -> Double {
        coefficients.reversed().reduce(0) { $0 * x + $1 }
    }

    // AS 241's coefficients, lowest power first.
    private static let a = [
        3.387_132_872_796_366_608, 133.141_667_891_784_377_2, 1_971.590_950_306_551_442, 13_731.693_765_509_461_25,
        45_921.953_931_549_871_46, 67_265.770_927_008_700_85, 33_430.575_583_588_128_11, 2_509.080_928_730_122_673,
    ]
    private static let b = [
        1.0, 42.313_330_701_600_911_25, 687.187_007_492_057_908_4, 5_394.196_021_424_751_077, 21_213.794_301_586_595_87,
        39_307.895_800_092_710_61, 28_729.085_735_721_942_67, 5_226.495_278_852_545_925,
    ]
    private static let c = [
        1.423_437_110_749_683_577, 4.630_337_846_156_545_295, 5.769_497_221_460_691_405, 3.647_848_324_763_204_605,
        1.270_458_252_452_368_382, 0.241_780_725_177_450_611_8, 0.022_723_844_989_269_184_83, 7.745_450_142_783_414_077e-4,
    ]
    private static let d = [
        1.0, 2.053_191_626_637_758_821, 1.676_384_830_183_803_849, 0.689_767_334_985_100_004_5, 0.148_103_976_427_480_074_6,
        0.015_198_666_563_616_457_2, 5.475_938_084_995_344_946e-4, 1.050_750_071_644_416_843_8e-9,
    ]
    private static let e = [
        6.657_904_643_501_103_777, 5.463_784_911_164_114_37, 1.784_826_539_917_291_335, 0.296_560_571_828_504_891_2,
        0.026_532_189_526_576_123_09, 0.001_242_660_947_388_078_438, 2.711_555_568_743_487_579e-5, 2.010_334_399_292_288_133e-7,
    ]
    private static let f = [
        1.0, 0.599_832_206_555_887_937_8, 0.136_929_880_922_735_805_3, 0.014_875_361_290_850_614_86,
        7.868_691_311_456_132_591e-4, 1.846_318_317_510_054_681e-5, 1.421_511_758_316_445_888e-7, 2.044_263_103_389_939_785e-15,
    ]
}
