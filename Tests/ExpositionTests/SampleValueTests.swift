// Tollgate — the value grammar of a Prometheus scrape.

@testable import Model
import Testing

@testable import Exposition

struct SampleValueTests {
    @Test(arguments: [
        ("1", 1.0), ("-1", -1), ("+7", 7), ("007", 7), (".5", 0.5), ("5.", 5), ("5.e2", 500), ("1e3", 1000), ("1E-3", 0.001),
        ("Inf", .infinity), ("+Inf", .infinity), ("-inf", -.infinity), ("+Infinity", .infinity), ("-INFINITY", -.infinity),
        ("1e-400", 0), ("4.9e-324", .leastNonzeroMagnitude), ("1.7976931348623157e308", 1.7976931348623157e308),
        ("0.1", 0.1), ("123456789012345678901234567890", 1.2345678901234568e29),
        ("3.14159265358979323846264338327950288", 3.141592653589793), ("1.000000000000000000000000001", 1),
        ("9007199254740993", 9007199254740992), ("-0", -0.0),
    ] as [(String, Double)])
    func accepts(_ text: String, _ expected: Double) throws {
        let value = try #require(SampleValue.parse(text))
        #expect(value.bitPattern == expected.bitPattern, "\(text) → \(value), want \(expected)")
    }

    @Test(arguments: ["NaN", "nan", "nAn"])
    func nanIsCanonical(_ text: String) throws {
        let value = try #require(SampleValue.parse(text))
        #expect(value.bitPattern == 0x7FF8_0000_0000_0001)
    }

    @Test(arguments: [
        "", "+NaN", "-nan", "infin", "0x10", "0x1p3", "1_000", "1e", ".", "1\r", "1.2.3", "e5", "+", "1e+", "--1", "1 ", "in", "Infinit", "1e309",
        "-1e309", "1p3",
    ])
    func rejects(_ text: String) {
        #expect(SampleValue.parse(text) == nil, "\(text) should not parse")
    }

    /// Random decimals agree with Swift's own correctly rounded parser.
    @Test func randomDecimalsRoundCorrectly() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let value = Double(bitPattern: generator.next() & 0x7FEF_FFFF_FFFF_FFFF)
            let texts = [value.description, String(format6: value)]
            for text in texts {
                #expect(SampleValue.parse(text)?.bitPattern == Double(text)?.bitPattern, "\(text)")
            }
        }
    }
}

extension String {
    /// A short decimal with a few digits, to exercise the fast path.
    fileprivate init(format6 value: Double) {
        let scaled = (value.truncatingRemainder(dividingBy: 1e6) * 1000).rounded() / 1000
        self = scaled.isFinite ? "\(scaled)" : "0"
    }
}
