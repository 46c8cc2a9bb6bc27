// Tollgate — Go's float forms, used for le/quantile normalization and the writer.

@testable import Model
import Testing

@testable import Exposition

struct GoFloatTests {
    @Test(arguments: [
        (1.0, "1"), (0, "0"), (-0.0, "-0"), (10, "10"), (123456, "123456"), (1234567, "1.234567e+06"), (1e6, "1e+06"),
        (0.0001, "0.0001"), (0.00001, "1e-05"), (0.5, "0.5"), (1.25, "1.25"), (1e21, "1e+21"), (.leastNonzeroMagnitude, "5e-324"),
        (.infinity, "+Inf"), (-.infinity, "-Inf"), (100, "100"), (-2.5e-7, "-2.5e-07"), (1.7976931348623157e308, "1.7976931348623157e+308"),
    ] as [(Double, String)])
    func formatsLikeStrconv(_ value: Double, _ expected: String) {
        #expect(GoFloat.formatG(value) == expected)
    }

    @Test(arguments: [
        ("1", "1.0"), ("0", "0.0"), ("-0", "0.0"), ("10", "10.0"), ("1e3", "1000.0"), ("123456", "123456.0"), ("1e6", "1e+06"),
        ("0.00001", "1e-05"), ("inf", "+Inf"), ("+Inf", "+Inf"), ("NaN", "NaN"), ("0.5", "0.5"), ("0x1p-2", "0.25"), ("1_0", "10.0"),
    ])
    func normalizesLikePrometheus3(_ input: String, _ expected: String) {
        #expect(ExpositionParser.normalized(input, name: "le", type: .histogram) == expected)
        #expect(ExpositionParser.normalized(input, name: "quantile", type: .summary) == expected)
    }

    @Test(arguments: [" 1", "foo", "", "1_", "_1", "0x10", "1e400", "-nan"])
    func leavesNonNumbersAlone(_ input: String) {
        #expect(ExpositionParser.normalized(input, name: "le", type: .histogram) == input)
    }

    @Test func normalizesOnlyUnderTheMatchingType() {
        #expect(ExpositionParser.normalized("1", name: "le", type: .gaugehistogram) == "1")
        #expect(ExpositionParser.normalized("1", name: "le", type: .summary) == "1")
        #expect(ExpositionParser.normalized("1", name: "quantile", type: .histogram) == "1")
        #expect(ExpositionParser.normalized("1", name: "le", type: .unknown) == "1")
    }
}
