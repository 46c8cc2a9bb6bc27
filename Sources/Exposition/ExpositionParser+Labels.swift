// Tollgate — Exposition: turning the current sample's bytes into a label set.

public import Model

extension ExpositionParser {
    /// The current sample's label set, as a Prometheus 3.x scrape stores it.
    ///
    /// Names and values are unescaped (`\\`, `\"`, `\n`); `le` under a histogram
    /// type and `quantile` under a summary type are rewritten to the OpenMetrics
    /// float form (`1` → `1.0`); labels with an empty value are removed (every
    /// label of that name); then the set must have a metric name, names must be
    /// non-empty valid UTF-8, and no name may repeat.
    ///
    /// Call it once per series not seen before; ``seriesBytes`` identifies the rest.
    /// - Returns: the sorted label set, `__name__` included.
    /// - Throws: ``ExpositionError`` at the sample's line when the set is invalid.
    public func labels() throws(ExpositionError) -> Labels {
        let body = bytes
        if labelsSkipped {
            // Matched by its bytes alone: scan the series part now, on a copy.
            var scanned = self
            scanned.labelsSkipped = false
            scanned.nameStart = -1
            scanned.nameEnd = -1
            scanned.spanCount = 0
            try body.withUnsafeBufferPointer { (b) throws(ExpositionError) in
                var i = entryStart
                while isBlank(b[i]) { i += 1 }
                try scanned.textSeries(b, i)
            }
            return try scanned.labels()
        }
        return try body.withUnsafeBufferPointer { (b) throws(ExpositionError) -> Labels in
            guard nameStart >= 0 else { throw failure(b, at: entryStart, "metric name not set") }
            guard UTF8Check.isValid(b, nameStart, nameEnd) else { throw failure(b, at: nameStart, "metric name is not valid UTF-8") }
            var list: [Label] = []
            list.reserveCapacity(spanCount + 1)
            list.append(Label(metricNameLabel, unescaped(nameStart, nameEnd, newlineOnlyAndBackslash: false)))
            // Label values are checked for UTF-8 here rather than on every line: a series
            // already in a cache has bytes that passed this check when it was first seen.
            for span in spans[0..<spanCount] {
                guard span.nameEnd > span.nameStart else { throw failure(b, at: span.nameStart, "empty label name") }
                guard UTF8Check.isValid(b, span.nameStart, span.nameEnd) else {
                    throw failure(b, at: span.nameStart, "label name is not valid UTF-8")
                }
                guard UTF8Check.isValid(b, span.valueStart, span.valueEnd) else {
                    throw failure(b, at: span.valueStart - 1, "invalid UTF-8 in label value")
                }
                let name = unescaped(span.nameStart, span.nameEnd, newlineOnlyAndBackslash: false)
                let value = unescaped(span.valueStart, span.valueEnd, newlineOnlyAndBackslash: false)
                list.append(Label(name, normalizesLabelValues ? Self.normalized(value, name: name, type: metricType) : value))
            }
            let labels = Labels(sorting: list).removingEmptyValues()
            guard labels.metricName != nil else { throw failure(b, at: entryStart, "metric name missing or empty") }
            if let duplicate = labels.duplicateName {
                throw failure(b, at: entryStart, "label name \"\(duplicate)\" is not unique")
            }
            return labels
        }
    }

    /// Prometheus 3.x's `le`/`quantile` rewrite: under a histogram (`le`) or summary
    /// (`quantile`) type, a value that Go parses as a float becomes its OpenMetrics form.
    static func normalized(_ value: String, name: String, type: MetricType) -> String {
        guard (type == .histogram && name == "le") || (type == .summary && name == "quantile") else { return value }
        guard let number = GoFloat.parse(value) else { return value }
        return GoFloat.formatOpenMetrics(number)
    }
}
