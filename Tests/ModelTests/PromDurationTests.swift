// Tollgate — Prometheus durations: parsing and printing pinned to Prometheus's answers.

import Model
import TestSupport
import Testing

struct PromDurationTests {
    /// Every row of Prometheus's table parses to its length and prints as Prometheus printed it.
    @Test(arguments: PrometheusDurations.printed)
    func parsesAndPrintsAsPrometheus(_ row: PrometheusDurations.Printed) throws {
        let duration = try PromDuration.parse(row.written)
        #expect(duration.milliseconds == row.milliseconds)
        #expect(duration.description == row.printed)
        #expect(try PromDuration.parse(row.printed) == duration, "the printed form parses back")
    }

    @Test(arguments: PrometheusDurations.rejected)
    func rejectsAsPrometheus(_ written: String, _ message: String) {
        let error = #expect(throws: PromDurationError.self) { try PromDuration.parse(written) }
        #expect(error?.description == message)
    }

    @Test(arguments: ["1", "s", "ms", "1.5s", "-1s", "+1s", "1x", "1S", " 1s", "1s ", "1m1h", "1s1s", "1d1w", "1ms1s", "0s0", "1é"])
    func rejectsWhatIsNotTheSyntax(_ text: String) {
        #expect(throws: PromDurationError(.invalid, text)) { try PromDuration.parse(text) }
        #expect(PromDuration(parsing: text) == nil)
    }

    @Test func emptyIsItsOwnError() {
        #expect(throws: PromDurationError(.empty, "")) { try PromDuration.parse("") }
        #expect(PromDurationError(.empty, "").description == "empty duration string")
    }

    @Test func syntaxIsCheckedBeforeRange() {
        #expect(throws: PromDurationError(.invalid, "300y1x")) { try PromDuration.parse("300y1x") }
    }

    @Test(arguments: [("0s", 0), ("0ms", 0), ("00015s", 15_000), ("1y1w1d1h1m1s1ms", 31_536_000_000 + 604_800_000 + 86_400_000 + 3_661_001)] as [(String, Int64)])
    func acceptsEveryUnitInOrder(_ text: String, _ ms: Int64) {
        #expect(PromDuration(parsing: text)?.milliseconds == ms)
    }

    @Test func negativeDurationsPrintTheirSign() {
        #expect(PromDuration(milliseconds: -5_400_000).description == "-1h30m")
        #expect(PromDuration(milliseconds: -31_622_400_000).description == "-366d")
        #expect(PromDuration(milliseconds: .min).description == "-106751991167d7h12m55s808ms")
        #expect(PromDuration(milliseconds: .max).description == "106751991167d7h12m55s807ms")
    }
}
