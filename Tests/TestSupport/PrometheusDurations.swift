// Tollgate — test support: durations as Prometheus parses and prints them.

/// Prometheus's answers for durations, asked of Debian's Prometheus 2.42 as
/// `/api/v1/format_query?query=x[<written>]` (the PromQL parser runs `model.ParseDuration`,
/// the printer `model.Duration.String()`); the zero row is the default
/// `storage.tsdb.retention.time` in `/api/v1/status/flags`, since PromQL rejects a zero range.
///
/// Prometheus 3.x prints every row alike (`model.Duration.String()` has not changed). It
/// differs in what it accepts around them: 3.x takes a plain number of seconds (`x[5]`,
/// where 2.42 says "missing unit character in duration"), and newer `prometheus/common`
/// versions name the unit in some parse errors (`unknown unit "hs" in duration "5y1hs"`)
/// where 2.42 says "not a valid duration string"; Tollgate keeps 2.42's texts.
public enum PrometheusDurations {
    /// One duration: as written, its length, and as Prometheus prints it back.
    public struct Printed: Sendable, CustomStringConvertible {
        /// The duration as written in the query.
        public let written: String
        /// Its length in milliseconds.
        public let milliseconds: Int64
        /// Prometheus's `model.Duration.String()`.
        public let printed: String
        /// The written form, for test names.
        public var description: String { written }
    }

    /// Durations Prometheus accepts, with its printed form: years and weeks only when exact.
    public static let printed: [Printed] = [
        .init(written: "0", milliseconds: 0, printed: "0s"),
        .init(written: "1ms", milliseconds: 1, printed: "1ms"),
        .init(written: "100ms", milliseconds: 100, printed: "100ms"),
        .init(written: "1000ms", milliseconds: 1000, printed: "1s"),
        .init(written: "1500ms", milliseconds: 1500, printed: "1s500ms"),
        .init(written: "60s", milliseconds: 60_000, printed: "1m"),
        .init(written: "61s", milliseconds: 61_000, printed: "1m1s"),
        .init(written: "90m", milliseconds: 5_400_000, printed: "1h30m"),
        .init(written: "1h30m", milliseconds: 5_400_000, printed: "1h30m"),
        .init(written: "3600s", milliseconds: 3_600_000, printed: "1h"),
        .init(written: "59m59s999ms", milliseconds: 3_599_999, printed: "59m59s999ms"),
        .init(written: "25h", milliseconds: 90_000_000, printed: "1d1h"),
        .init(written: "86400s", milliseconds: 86_400_000, printed: "1d"),
        .init(written: "7d", milliseconds: 604_800_000, printed: "1w"),
        .init(written: "8d", milliseconds: 691_200_000, printed: "8d"),
        .init(written: "14d", milliseconds: 1_209_600_000, printed: "2w"),
        .init(written: "2w1d", milliseconds: 1_296_000_000, printed: "15d"),
        .init(written: "21d", milliseconds: 1_814_400_000, printed: "3w"),
        .init(written: "3w", milliseconds: 1_814_400_000, printed: "3w"),
        .init(written: "90d", milliseconds: 7_776_000_000, printed: "90d"),
        .init(written: "364d", milliseconds: 31_449_600_000, printed: "52w"),
        .init(written: "52w", milliseconds: 31_449_600_000, printed: "52w"),
        .init(written: "365d", milliseconds: 31_536_000_000, printed: "1y"),
        .init(written: "1y", milliseconds: 31_536_000_000, printed: "1y"),
        .init(written: "366d", milliseconds: 31_622_400_000, printed: "366d"),
        .init(written: "1y1d", milliseconds: 31_622_400_000, printed: "366d"),
        .init(written: "53w", milliseconds: 32_054_400_000, printed: "53w"),
        .init(written: "1y2w", milliseconds: 32_745_600_000, printed: "379d"),
        .init(written: "730d", milliseconds: 63_072_000_000, printed: "2y"),
        .init(written: "2y", milliseconds: 63_072_000_000, printed: "2y"),
        .init(written: "10y", milliseconds: 315_360_000_000, printed: "10y"),
        .init(written: "292y", milliseconds: 9_208_512_000_000, printed: "292y"),
        .init(written: "292y171d", milliseconds: 9_223_286_400_000, printed: "106751d"),
        .init(written: "9223372036854ms", milliseconds: 9_223_372_036_854, printed: "106751d23h47m16s854ms"),
    ]

    /// Durations Prometheus rejects (as written), with its message.
    public static let rejected: [(String, String)] = [
        ("5m1h", #"not a valid duration string: "5m1h""#),
        ("5s1m", #"not a valid duration string: "5s1m""#),
        ("1s1s", #"not a valid duration string: "1s1s""#),
        ("1h1h", #"not a valid duration string: "1h1h""#),
        ("5y1hs", #"not a valid duration string: "5y1hs""#),
        ("292y172d", "duration out of range"),
        ("293y", "duration out of range"),
        ("300y", "duration out of range"),
        ("9223372036855ms", "duration out of range"),
        ("99999999999999999999y", "duration out of range"),
    ]
}
