// Tollgate — HTTPAPI: /api/v1/series, /api/v1/labels, /api/v1/label/NAME/values and /api/v1/metadata.

import Model
import Storage

extension QueryAPI {
    /// `/api/v1/series?match[]=…&start=…&end=…&limit=…`: the label sets of matching series with samples in range.
    func series(_ form: APIForm) async -> APIResult {
        let selectors = form.all("match[]")
        guard !selectors.isEmpty else { return .error(.badData, "no match[] parameter provided") }
        let request: SeriesRequest
        do throws(InvalidParameter) {
            request = try SeriesRequest(form, selectors)
        } catch {
            return error.result
        }
        let (limit, start, end, matcherSets) = (request.limit, request.start, request.end, request.matcherSets)
        var found = Set<Labels>()
        do {
            for matchers in matcherSets {
                for labels in try await queryable.series(matchers, minTime: start, maxTime: end) { found.insert(labels) }
            }
        } catch {
            return .error(.execution, "\(error)")
        }
        return Self.limitedArray(found.sorted(by: Labels.precedes), limit) { json, labels in json.labels(labels) }
    }

    /// `/api/v1/labels?match[]=…&start=…&end=…&limit=…`: label names, sorted.
    func labelNames(_ form: APIForm) async -> APIResult {
        await labelQuery(form, index: { matchers in queryable.labelNames(matching: matchers) }, of: { labels in labels.map(\.name) })
    }

    /// `/api/v1/label/NAME/values?match[]=…&start=…&end=…&limit=…`: the values of one label, sorted.
    func labelValues(_ form: APIForm, name rawName: String) async -> APIResult {
        let name = APIForm.unescape(ArraySlice(rawName.utf8), plusIsSpace: false) ?? rawName
        guard !name.isEmpty else { return .error(.badData, "invalid label name: \"\(name)\"") }
        return await labelQuery(form, index: { matchers in queryable.labelValues(name, matching: matchers) }, of: { labels in labels[name].map { [$0] } ?? [] })
    }

    /// The shared part of the label endpoints: parameters, the union over `match[]`, `limit`.
    /// Without `start`/`end` the label index answers; with them, the series with samples in
    /// that range do, as in Prometheus.
    private func labelQuery(_ form: APIForm, index: ([LabelMatcher]) -> [String], of: (Labels) -> [String]) async -> APIResult {
        let request: SeriesRequest
        do throws(InvalidParameter) {
            request = try SeriesRequest(form, form.all("match[]"))
        } catch {
            return error.result
        }
        let (limit, start, end, matcherSets) = (request.limit, request.start, request.end, request.matcherSets)
        let names: [String]
        if start == APIParameters.minTime && end == APIParameters.maxTime {
            if matcherSets.isEmpty {
                names = index([])
            } else {
                var union = Set<String>()
                for matchers in matcherSets { union.formUnion(index(matchers)) }
                names = union.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            }
        } else {
            var union = Set<String>()
            do {
                let anySeries = [[try LabelMatcher(.regex, metricNameLabel, ".+")]]
                for matchers in matcherSets.isEmpty ? anySeries : matcherSets {
                    for labels in try await queryable.series(matchers, minTime: start, maxTime: end) { union.formUnion(of(labels)) }
                }
            } catch {
                return .error(.execution, "\(error)")
            }
            names = union.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        }
        return Self.limitedArray(names, limit) { json, name in json.string(name) }
    }

    /// `/api/v1/metadata?metric=…&limit=…&limit_per_metric=…`: metric name → distinct (type, help, unit).
    func metricMetadata(_ form: APIForm) async -> APIResult {
        var limit = -1
        if let text = form["limit"], !text.isEmpty {
            guard let value = Int(text) else { return .error(.badData, "limit must be a number") }
            limit = value
        }
        var limitPerMetric = -1
        if let text = form["limit_per_metric"], !text.isEmpty {
            guard let value = Int(text) else { return .error(.badData, "limit_per_metric must be a number") }
            limitPerMetric = value
        }
        let metric = form["metric"].flatMap { $0.isEmpty ? nil : $0 }
        let entries = await metadata?.metricMetadata(metric: metric) ?? []
        var byMetric: [String: [MetricMetadata]] = [:]
        for entry in entries {
            var list = byMetric[entry.metric, default: []]
            guard !list.contains(entry) else { continue }
            if limitPerMetric > 0, list.count >= limitPerMetric { continue }
            list.append(entry)
            byMetric[entry.metric] = list
        }
        var json = JSONWriter()
        json.object { json in
            var written = 0
            for (name, list) in byMetric.sorted(by: { $0.key < $1.key }) {
                if limit >= 0, written >= limit { break }
                written += 1
                json.key(name)
                json.array { json in
                    for entry in list {
                        json.object { json in
                            json.field("type", entry.type)
                            json.field("help", entry.help)
                            json.field("unit", entry.unit)
                        }
                    }
                }
            }
        }
        return .success(json.bytes)
    }

    /// Parses each `match[]`; like Prometheus, a selector whose every matcher matches "" is refused.
    static func matcherSets(_ selectors: [String]) throws(ParameterError) -> [[LabelMatcher]] {
        var sets: [[LabelMatcher]] = []
        for selector in selectors {
            let matchers: [LabelMatcher]
            do {
                matchers = try SeriesSelector.parse(selector)
            } catch {
                // The selector parser refuses all-empty matchers itself; Prometheus words it this way.
                if error.description.contains("does not match the empty string") {
                    throw ParameterError("match[] must contain at least one non-empty matcher")
                }
                throw ParameterError(error.description)
            }
            guard matchers.contains(where: { !$0.matchesEmpty }) else {
                throw ParameterError("match[] must contain at least one non-empty matcher")
            }
            sets.append(matchers)
        }
        return sets
    }

    /// A JSON array of the first `limit` items (0 keeps all), warning when some were left out,
    /// as Prometheus does.
    static func limitedArray<T>(_ items: [T], _ limit: Int, _ write: (inout JSONWriter, T) -> Void) -> APIResult {
        let truncated = limit > 0 && items.count > limit
        var json = JSONWriter()
        json.array { json in
            for item in truncated ? items.prefix(limit) : items[...] { write(&json, item) }
        }
        return .annotated(json.bytes, warnings: truncated ? ["results truncated due to limit"] : [], infos: [])
    }
}

/// The parameters the series and label endpoints share: `limit`, `start`, `end`, `match[]`.
private struct SeriesRequest {
    let limit: Int
    let start: Int64
    let end: Int64
    let matcherSets: [[LabelMatcher]]

    init(_ form: APIForm, _ selectors: [String]) throws(InvalidParameter) {
        limit = try parameter("limit") { () throws(ParameterError) in try APIParameters.limit(form.value("limit")) }
        start = try parameter("start") { () throws(ParameterError) in try APIParameters.time(form, "start", default: APIParameters.minTime) }
        end = try parameter("end") { () throws(ParameterError) in try APIParameters.time(form, "end", default: APIParameters.maxTime) }
        matcherSets = try parameter("match[]") { () throws(ParameterError) in try QueryAPI.matcherSets(selectors) }
    }
}
