// Tollgate — HTTPAPITests: a query API answer reduced to what the differential check compares.

import Foundation

/// One `/api/v1/query` or `/api/v1/query_range` answer: an error class, or a result's
/// type and its series (label set, points).
struct QueryAnswer {
    /// One series of a vector or matrix (or the single point of a scalar or string).
    struct Series {
        /// The label set as sorted `name="value"` text, for matching series across answers.
        var key: String
        var points: [(t: Double, v: Double)]
        /// The value of a string result, which has no number.
        var text: String?
    }

    var errorType: String?
    var resultType = ""
    var series: [Series] = []

    /// Parses an answer's JSON body.
    init(json body: String) throws {
        guard let object = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] else {
            throw OracleFailure("not a JSON object: \(body.prefix(200))")
        }
        if object["status"] as? String != "success" {
            errorType = object["errorType"] as? String ?? "unknown"
            return
        }
        guard let data = object["data"] as? [String: Any], let type = data["resultType"] as? String else {
            throw OracleFailure("no data.resultType: \(body.prefix(200))")
        }
        resultType = type
        switch type {
        case "scalar", "string":
            let pair = data["result"] as? [Any] ?? []
            let point = try Self.point(pair)
            series = [Series(key: "", points: [point], text: type == "string" ? pair.last as? String : nil)]
        default:
            for element in data["result"] as? [[String: Any]] ?? [] {
                let metric = element["metric"] as? [String: String] ?? [:]
                let key = metric.sorted { $0.key < $1.key }.map { "\($0.key)=\"\($0.value)\"" }.joined(separator: ",")
                let raw = element["values"] as? [[Any]] ?? (element["value"] as? [Any]).map { [$0] } ?? []
                series.append(Series(key: "{\(key)}", points: try raw.map(Self.point)))
            }
        }
    }

    private static func point(_ pair: [Any]) throws -> (t: Double, v: Double) {
        guard pair.count == 2, let t = (pair[0] as? NSNumber)?.doubleValue, let text = pair[1] as? String else {
            throw OracleFailure("not a [time, \"value\"] pair: \(pair)")
        }
        return (t, value(text) ?? .nan)
    }

    /// A sample value as the API writes it (`NaN`, `+Inf`, `-Inf`, or a decimal).
    static func value(_ text: String) -> Double? {
        switch text {
        case "NaN": .nan
        case "+Inf", "Inf": .infinity
        case "-Inf": -.infinity
        default: Double(text)
        }
    }

    /// Whether two values agree as the PromQL compliance tester compares them: equal, both
    /// NaN, or within a relative 1e-5 of the smaller magnitude (infinities only equal themselves).
    static func agree(_ a: Double, _ b: Double) -> Bool {
        if a == b || (a.isNaN && b.isNaN) { return true }
        if a.isNaN || b.isNaN || a.isInfinite || b.isInfinite { return false }
        return abs(a - b) <= 1e-5 * min(abs(a), abs(b))
    }

    /// The first difference between two answers, or `nil` when they agree.
    /// - Parameter ordered: compare the order of an instant vector's values too (`sort`, `sort_desc`).
    static func difference(_ ours: QueryAnswer, _ theirs: QueryAnswer, ordered: Bool) -> String? {
        if ours.errorType != nil || theirs.errorType != nil {
            return ours.errorType == theirs.errorType ? nil : "error \(ours.errorType ?? "none") vs \(theirs.errorType ?? "none")"
        }
        guard ours.resultType == theirs.resultType else { return "result type \(ours.resultType) vs \(theirs.resultType)" }
        let mine = Dictionary(ours.series.map { ($0.key, $0) }) { first, _ in first }
        let their = Dictionary(theirs.series.map { ($0.key, $0) }) { first, _ in first }
        let onlyMine = mine.keys.filter { their[$0] == nil }.sorted(), onlyTheirs = their.keys.filter { mine[$0] == nil }.sorted()
        if !onlyMine.isEmpty || !onlyTheirs.isEmpty || ours.series.count != theirs.series.count {
            return "series only in Tollgate: \(onlyMine.prefix(3)) (\(onlyMine.count)); "
                + "only in Prometheus: \(onlyTheirs.prefix(3)) (\(onlyTheirs.count))"
        }
        for (key, a) in mine.sorted(by: { $0.key < $1.key }) {
            guard let b = their[key] else { continue }
            guard a.text == b.text else { return "\(key): string \(a.text ?? "nil") vs \(b.text ?? "nil")" }
            guard a.points.count == b.points.count else { return "\(key): \(a.points.count) points vs \(b.points.count)" }
            for (p, q) in zip(a.points, b.points) where p.t != q.t || !agree(p.v, q.v) {
                return "\(key) at \(q.t): \(p.t == q.t ? "" : "time \(p.t) vs \(q.t), ")value \(p.v) vs \(q.v)"
            }
        }
        if ordered {
            let a = ours.series.compactMap { $0.points.first?.v }, b = theirs.series.compactMap { $0.points.first?.v }
            if !zip(a, b).allSatisfy(agree) { return "order of values \(a.prefix(5)) vs \(b.prefix(5))" }
        }
        return nil
    }
}
