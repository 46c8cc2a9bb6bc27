// Tollgate — TollgateConfig: `time_intervals` (and the older `mute_time_intervals`).

import Foundation
import Yams

/// A named set of time intervals (`time_intervals` or `mute_time_intervals` entry) that
/// routes name in `mute_time_intervals` and `active_time_intervals`.
public struct TimeIntervalConfig: Sendable, Equatable {
    /// `name` (unique across both lists).
    public var name: String
    /// `time_intervals`: a time is inside when any one of them holds it.
    public var intervals: [TimeSpec]
    /// Where the entry is written.
    public var line: Int?

    /// A named set.
    public init(name: String, intervals: [TimeSpec]) {
        self.name = name
        self.intervals = intervals
    }

    /// `begin...end`, both ends included (days of the month may count from the end, -1 the last).
    public struct Span: Sendable, Equatable {
        /// First value.
        public var begin: Int
        /// Last value.
        public var end: Int

        /// `begin...end`.
        public init(begin: Int, end: Int) {
            self.begin = begin
            self.end = end
        }
    }

    /// One interval (Alertmanager's `timeinterval.TimeInterval`): every non-empty list must
    /// hold the time; within a list any entry may.
    public struct TimeSpec: Sendable, Equatable {
        /// `times`: minutes of the day, start included, end excluded (`24:00` is 1440).
        public var times: [Span] = []
        /// `weekdays`: 0 Sunday … 6 Saturday.
        public var weekdays: [Span] = []
        /// `days_of_month`: 1…31, or -31…-1 from the month's end.
        public var daysOfMonth: [Span] = []
        /// `months`: 1…12.
        public var months: [Span] = []
        /// `years`.
        public var years: [Span] = []
        /// `location`: an IANA zone name or `Local`; nil is UTC.
        public var location: String?

        /// An interval holding every time.
        public init() {}
    }

    init(_ node: Node, reader: NodeReader, field: String, missingName: String) throws(ConfigError) {
        line = node.mark?.line
        var name = ""
        var intervals: [TimeSpec] = []
        try reader.fields(node, field: field) { (key, value, path) throws(ConfigError) -> Bool in
            switch key.name {
            case "name": name = try reader.string(value, field: path)
            case "time_intervals":
                intervals = ReceiverConfig.each(value, reader: reader, field: path) { (item, p) throws(ConfigError) in
                    try Self.spec(item, reader: reader, field: p)
                }
            default: return false
            }
            return true
        }
        guard !name.isEmpty else { throw reader.error(node, field: field, missingName) }
        self.name = name
        self.intervals = intervals
    }

    static let weekdayNames = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]
    static let monthNames = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"]

    private static func spec(_ node: Node, reader: NodeReader, field: String) throws(ConfigError) -> TimeSpec {
        var spec = TimeSpec()
        try reader.fields(node, field: field) { (key, value, path) throws(ConfigError) -> Bool in
            switch key.name {
            case "times":
                for (index, item) in try reader.sequence(value, field: path).enumerated() {
                    spec.times.append(try times(item, reader: reader, field: "\(path)[\(index)]"))
                }
            case "weekdays":
                spec.weekdays = try spans(value, reader: reader, field: path) { text in
                    weekdayNames.firstIndex(of: text.lowercased()).map { .success($0) } ?? .failure("\(text) is not a valid weekday")
                } check: { span in span.begin > span.end ? "start day cannot be after end day" : nil }
            case "days_of_month":
                spec.daysOfMonth = try spans(value, reader: reader, field: path) { text in
                    guard let day = Int(text) else { return .failure("\(text) is not a valid day of the month") }
                    guard day != 0, (-31...31).contains(day) else { return .failure("\(day) is not a valid day of the month: out of range") }
                    return .success(day)
                } check: { span in
                    if span.begin > 0 && span.end < 0 { return nil }  // from a day to a day counted from the end
                    if span.begin < 0 && span.end > 0 { return "end day must be negative if start day is negative" }
                    return span.begin > span.end ? "start day cannot be after end day" : nil
                }
            case "months":
                spec.months = try spans(value, reader: reader, field: path) { text in
                    if let number = Int(text) {
                        return (1...12).contains(number) ? .success(number) : .failure("\(number) is not a valid month")
                    }
                    return monthNames.firstIndex(of: text.lowercased()).map { .success($0 + 1) } ?? .failure("\(text) is not a valid month")
                } check: { span in span.begin > span.end ? "end month \(span.end) is before start month \(span.begin)" : nil }
            case "years":
                spec.years = try spans(value, reader: reader, field: path) { text in
                    Int(text).map { .success($0) } ?? .failure("\(text) is not a valid year")
                } check: { span in span.begin > span.end ? "end year \(span.end) is before start year \(span.begin)" : nil }
            case "location":
                let zone = try reader.string(value, field: path)
                guard zone == "Local" || zone == "UTC" || TimeZone(identifier: zone) != nil else {
                    throw reader.error(value, field: path, "unknown time zone \(zone)")
                }
                spec.location = zone
            default: return false
            }
            return true
        }
        return spec
    }

    private static func times(_ node: Node, reader: NodeReader, field: String) throws(ConfigError) -> Span {
        var start: String?, end: String?
        try reader.fields(node, field: field) { (key, value, path) throws(ConfigError) -> Bool in
            switch key.name {
            case "start_time": start = try reader.string(value, field: path)
            case "end_time": end = try reader.string(value, field: path)
            default: return false
            }
            return true
        }
        guard let start, let end, !start.isEmpty, !end.isEmpty else {
            throw reader.error(node, field: field, "both start and end times must be provided")
        }
        guard let begin = minutes(start) else { throw reader.error(node, field: "\(field).start_time", "couldn't parse timestamp \(start), invalid format") }
        guard let finish = minutes(end) else { throw reader.error(node, field: "\(field).end_time", "couldn't parse timestamp \(end), invalid format") }
        guard begin < finish else { throw reader.error(node, field: field, "start time cannot be equal or greater than end time") }
        return Span(begin: begin, end: finish)
    }

    /// `HH:MM` (00:00 to 23:59, or 24:00) as minutes of the day.
    static func minutes(_ text: String) -> Int? {
        if text == "24:00" { return 1440 }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
            let hours = Int(parts[0]), let minutes = Int(parts[1]), (0..<24).contains(hours), (0..<60).contains(minutes)
        else { return nil }
        return hours * 60 + minutes
    }

    /// A list of values or `begin:end` ranges.
    private static func spans(
        _ node: Node, reader: NodeReader, field: String, value: (String) -> Result<Int, SpanError>, check: (Span) -> String?
    ) throws(ConfigError) -> [Span] {
        var spans: [Span] = []
        for (index, item) in try reader.sequence(node, field: field).enumerated() {
            let path = "\(field)[\(index)]"
            let text = try reader.string(item, field: path)
            let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard parts.count <= 2 else { throw reader.error(item, field: path, "invalid range \(text)") }
            var bounds: [Int] = []
            for part in parts {
                switch value(part.trimmingCharacters(in: .whitespaces)) {
                case .success(let number): bounds.append(number)
                case .failure(let problem): throw reader.error(item, field: path, problem.message)
                }
            }
            let span = Span(begin: bounds[0], end: bounds[bounds.count - 1])
            if let problem = check(span) { throw reader.error(item, field: path, problem) }
            spans.append(span)
        }
        return spans
    }

    struct SpanError: Error, ExpressibleByStringLiteral, ExpressibleByStringInterpolation {
        var message: String
        init(stringLiteral value: String) { message = value }
        init(stringInterpolation: DefaultStringInterpolation) { message = String(stringInterpolation: stringInterpolation) }
    }
}
