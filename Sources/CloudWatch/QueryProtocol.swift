// Tollgate — CloudWatch: the AWS Query protocol's requests and answers.

import Foundation

/// One GetMetricData query: a metric, its exact dimensions, a period and a statistic.
public struct MetricQuery: Sendable, Hashable {
    /// The lower-case query id, unique per call (`m0`, `m1`, …).
    public var id: String
    /// The namespace.
    public var namespace: String
    /// The metric name.
    public var metricName: String
    /// The exact dimension set, as (name, value) pairs.
    public var dimensions: [Dimension]
    /// The period in seconds.
    public var period: Int64
    /// The statistic (`Sum`, `p99`).
    public var statistic: String

    /// A dimension name and value.
    public struct Dimension: Sendable, Hashable {
        /// The name.
        public var name: String
        /// The value.
        public var value: String

        /// Creates a dimension.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// Creates a query.
    public init(id: String, namespace: String, metricName: String, dimensions: [Dimension], period: Int64, statistic: String) {
        self.id = id
        self.namespace = namespace
        self.metricName = metricName
        self.dimensions = dimensions
        self.period = period
        self.statistic = statistic
    }
}

/// One result of GetMetricData: the points of one query id, newest first as CloudWatch sends them.
public struct MetricDataResult: Sendable, Equatable {
    /// The query id.
    public var id: String
    /// The timestamps, milliseconds since the epoch.
    public var timestamps: [Int64]
    /// The values, one per timestamp.
    public var values: [Double]
    /// `Complete`, `PartialData`, `InternalError` or `Forbidden`.
    public var statusCode: String
}

/// A metric ListMetrics found.
public struct ListedMetric: Sendable, Hashable {
    /// The namespace.
    public var namespace: String
    /// The metric name.
    public var metricName: String
    /// The dimensions, as CloudWatch lists them.
    public var dimensions: [MetricQuery.Dimension]
}

/// The AWS Query protocol (contracts §6.1): form bodies and XML answers.
public enum QueryProtocol {
    /// The API version every CloudWatch request names.
    public static let version = "2010-08-01"
    /// GetMetricData's limit of queries per call.
    public static let maxQueriesPerCall = 500

    /// A form body: `Action=…&Version=2010-08-01&…`, names and values percent-encoded.
    public static func formBody(action: String, _ parameters: [(String, String)]) -> [UInt8] {
        let pairs = [("Action", action), ("Version", version)] + parameters
        return Array(pairs.map { "\(SigV4Signer.uriEncode($0.0))=\(SigV4Signer.uriEncode($0.1))" }.joined(separator: "&").utf8)
    }

    /// GetMetricData's parameters for one batch (≤ 500 queries).
    public static func getMetricData(_ queries: [MetricQuery], start: Int64, end: Int64, nextToken: String?) -> [(String, String)] {
        var parameters: [(String, String)] = [
            ("StartTime", iso8601(start)), ("EndTime", iso8601(end)), ("ScanBy", "TimestampDescending"),
        ]
        if let nextToken { parameters.append(("NextToken", nextToken)) }
        for (index, query) in queries.enumerated() {
            let prefix = "MetricDataQueries.member.\(index + 1)"
            parameters.append(("\(prefix).Id", query.id))
            parameters.append(("\(prefix).MetricStat.Metric.Namespace", query.namespace))
            parameters.append(("\(prefix).MetricStat.Metric.MetricName", query.metricName))
            for (position, dimension) in query.dimensions.enumerated() {
                parameters.append(("\(prefix).MetricStat.Metric.Dimensions.member.\(position + 1).Name", dimension.name))
                parameters.append(("\(prefix).MetricStat.Metric.Dimensions.member.\(position + 1).Value", dimension.value))
            }
            parameters.append(("\(prefix).MetricStat.Period", String(query.period)))
            parameters.append(("\(prefix).MetricStat.Stat", query.statistic))
            parameters.append(("\(prefix).ReturnData", "true"))
        }
        return parameters
    }

    /// ListMetrics' parameters: a namespace, name-only dimension filters, a page token.
    public static func listMetrics(namespace: String, metricName: String?, dimensionNames: [String], nextToken: String?) -> [(String, String)] {
        var parameters: [(String, String)] = [("Namespace", namespace)]
        if let metricName { parameters.append(("MetricName", metricName)) }
        for (index, name) in dimensionNames.enumerated() { parameters.append(("Dimensions.member.\(index + 1).Name", name)) }
        if let nextToken { parameters.append(("NextToken", nextToken)) }
        return parameters
    }

    /// The results and the next page's token of a GetMetricData answer.
    public static func parseGetMetricData(_ root: XMLElement) throws(XMLReadError) -> (results: [MetricDataResult], nextToken: String?) {
        guard root.name == "GetMetricDataResponse", let result = root.child("GetMetricDataResult") else {
            throw XMLReadError(description: "expected GetMetricDataResponse, got <\(root.name)>")
        }
        var results: [MetricDataResult] = []
        for member in result.child("MetricDataResults")?.all("member") ?? [] {
            guard let id = member.child("Id")?.text else { throw XMLReadError(description: "a MetricDataResult without Id") }
            var timestamps: [Int64] = []
            for stamp in member.child("Timestamps")?.all("member") ?? [] {
                guard let time = parseISO8601(stamp.text) else { throw XMLReadError(description: "invalid timestamp \"\(stamp.text.prefix(40))\"") }
                timestamps.append(time)
            }
            var values: [Double] = []
            for value in member.child("Values")?.all("member") ?? [] {
                guard let number = Double(value.text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
                    throw XMLReadError(description: "invalid value \"\(value.text.prefix(40))\"")
                }
                values.append(number)
            }
            guard values.count == timestamps.count else {
                throw XMLReadError(description: "result \(id) has \(timestamps.count) timestamps but \(values.count) values")
            }
            results.append(MetricDataResult(id: id, timestamps: timestamps, values: values, statusCode: member.child("StatusCode")?.text ?? "Complete"))
        }
        let token = result.child("NextToken")?.text
        return (results, token?.isEmpty == false ? token : nil)
    }

    /// The metrics and the next page's token of a ListMetrics answer.
    public static func parseListMetrics(_ root: XMLElement) throws(XMLReadError) -> (metrics: [ListedMetric], nextToken: String?) {
        guard root.name == "ListMetricsResponse", let result = root.child("ListMetricsResult") else {
            throw XMLReadError(description: "expected ListMetricsResponse, got <\(root.name)>")
        }
        var metrics: [ListedMetric] = []
        for member in result.child("Metrics")?.all("member") ?? [] {
            let dimensions = (member.child("Dimensions")?.all("member") ?? []).map {
                MetricQuery.Dimension(name: $0.child("Name")?.text ?? "", value: $0.child("Value")?.text ?? "")
            }
            metrics.append(ListedMetric(
                namespace: member.child("Namespace")?.text ?? "", metricName: member.child("MetricName")?.text ?? "", dimensions: dimensions))
        }
        let token = result.child("NextToken")?.text
        return (metrics, token?.isEmpty == false ? token : nil)
    }

    /// The code and message of an `<ErrorResponse>` (or EC2-style `<Response><Errors>`), if `root` is one.
    public static func parseError(_ root: XMLElement) -> (code: String, message: String)? {
        let error = root.child("Error") ?? root.path("Errors", "Error")
        guard root.name == "ErrorResponse" || root.name == "Response", let error, let code = error.child("Code")?.text else { return nil }
        return (code, error.child("Message")?.text ?? "")
    }

    /// `2026-12-04T16:00:00Z` for milliseconds since the epoch (seconds precision).
    public static func iso8601(_ milliseconds: Int64) -> String {
        var seconds = time_t(milliseconds.dividedRoundingDown(by: 1000))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
            Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
    }

    /// Milliseconds since the epoch of `2026-11-27T05:52:00Z`, `…:00.000Z` or `…:00+00:00`.
    public static func parseISO8601(_ text: String) -> Int64? {
        let bytes = Array(text.trimmingCharacters(in: .whitespacesAndNewlines).utf8)
        guard bytes.count >= 20, bytes.count <= 40 else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                guard bytes[index] >= 0x30, bytes[index] <= 0x39 else { return nil }
                value = value * 10 + Int(bytes[index] - 0x30)
            }
            return value
        }
        guard bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: " "),
            bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
            let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var index = 19
        var milliseconds = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 100
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                milliseconds += Int(bytes[index] - 0x30) * scale
                scale /= 10
                index += 1
            }
        }
        var offset = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: "Z") {
            index += 1
        } else if index + 6 == bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-"),
            let hours = number((index + 1)..<(index + 3)), let minutes = number((index + 4)..<(index + 6))
        {
            offset = (hours * 3600 + minutes * 60) * (bytes[index] == UInt8(ascii: "-") ? -1 : 1)
            index += 6
        } else {
            return nil
        }
        guard index == bytes.count else { return nil }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        let seconds = Int64(timegm(&parts)) - Int64(offset)
        return seconds * 1000 + Int64(milliseconds)
    }
}

extension Int64 {
    func dividedRoundingDown(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
