// Tollgate — Exposition: OpenMetrics 1.0 text, as a Prometheus 3.x scrape reads it.

import Model

extension ExpositionParser {
    /// One entry of OpenMetrics: single spaces only, no blank lines, no free
    /// comments, and the body must end with `# EOF` (plus at most one LF).
    mutating func nextOpenMetrics(_ b: UnsafeBufferPointer<UInt8>) throws(ExpositionError) -> Entry? {
        beginEntry()
        let end = b.count
        let i = pos
        guard i < end else { throw failure(b, at: i, "data does not end with # EOF") }
        let c = b[i]
        if c == UInt8(ascii: "#") {
            guard i + 1 < end, b[i + 1] == UInt8(ascii: " ") else {
                throw failure(b, at: i, "expected '# ' to start a HELP, TYPE, UNIT or EOF line")
            }
            let k = i + 2
            if has(b, k, "EOF") {
                var after = k + 3
                if after < end && b[after] == UInt8(ascii: "\n") { after += 1 }
                guard after == end else { throw failure(b, at: after, "unexpected data after # EOF") }
                finished = true
                return nil
            }
            for (word, entry) in [("HELP ", Entry.help), ("TYPE ", .type), ("UNIT ", .unit)] where has(b, k, word) {
                return try omMetadata(b, entry, at: k + 5)
            }
            throw failure(b, at: k, "expected HELP, TYPE, UNIT or EOF after '# ', got \(quoted(b, k..<k + 4))")
        }
        if c == UInt8(ascii: "{") {
            pos = i + 1
            try omLabels(b, exemplar: false)
            seriesEnd = pos
        } else if isMetricNameStart(c) {
            var j = i + 1
            while j < end && (isMetricNameByte(b[j])) { j += 1 }
            nameStart = i
            nameEnd = j
            pos = j
            if j < end && b[j] == UInt8(ascii: "{") {
                pos = j + 1
                try omLabels(b, exemplar: false)
            }
            seriesEnd = pos
        } else {
            throw failure(b, at: i, "expected a metric name, '{' or '#', got \(quoted(b, i..<i + 1))")
        }
        guard nameStart >= 0 else { throw failure(b, at: entryStart, "metric name not set") }
        value = try omValue(b, what: "value after metric")
        try omSampleTail(b)
        return .sample
    }

    private func has(_ b: UnsafeBufferPointer<UInt8>, _ i: Int, _ word: String) -> Bool {
        var k = i
        for byte in word.utf8 {
            guard k < b.count, b[k] == byte else { return false }
            k += 1
        }
        return true
    }

    /// `# HELP|TYPE|UNIT <name> <text>LF`: exactly one space on either side of the name.
    private mutating func omMetadata(_ b: UnsafeBufferPointer<UInt8>, _ entry: Entry, at start: Int) throws(ExpositionError) -> Entry {
        let end = b.count
        let keyword = entry == .help ? "HELP" : entry == .type ? "TYPE" : "UNIT"
        var after: Int
        if start < end && b[start] == UInt8(ascii: "\"") {
            guard let close = scanQuoted(b, start, allowLineFeed: true, allowNUL: false) else {
                throw failure(b, at: start, "unterminated quoted metric name after \(keyword)")
            }
            nameStart = start + 1
            nameEnd = close - 1
            after = close
        } else if start < end && isMetricNameStart(b[start]) {
            after = start + 1
            while after < end && (isMetricNameByte(b[after])) { after += 1 }
            nameStart = start
            nameEnd = after
        } else {
            throw failure(b, at: start, "expected metric name after \(keyword), got \(quoted(b, start..<start + 1))")
        }
        guard after < end, b[after] == UInt8(ascii: " ") else {
            throw failure(b, at: after, "expected a space and text after the metric name in \(keyword)")
        }
        var lineFeed = after + 1
        while lineFeed < end && b[lineFeed] != UInt8(ascii: "\n") { lineFeed += 1 }
        guard lineFeed < end else { throw failure(b, at: lineFeed, "expected a line break after \(keyword) text") }
        textStart = after + 1
        textEnd = lineFeed
        pos = lineFeed + 1
        switch entry {
        case .help:
            guard UTF8Check.isValid(b, textStart, textEnd) else { throw failure(b, at: textStart, "help text is not valid UTF-8") }
        case .type:
            let text = String(decoding: UnsafeBufferPointer(rebasing: b[textStart..<textEnd]), as: UTF8.self)
            guard let type = MetricType(rawValue: text) else {
                throw failure(b, at: textStart, "invalid metric type \(quoted(b, textStart..<textEnd)); expected counter, gauge, histogram, gaugehistogram, summary, info, stateset or unknown")
            }
            metricType = type
            familyStart = nameStart
            familyEnd = nameEnd
        default:
            let unitLength = textEnd - textStart
            if unitLength > 0 {
                let nameLength = nameEnd - nameStart
                var suffix = nameLength >= unitLength + 1 && b[nameEnd - unitLength - 1] == UInt8(ascii: "_")
                if suffix {
                    for k in 0..<unitLength where b[nameEnd - unitLength + k] != b[textStart + k] { suffix = false }
                }
                guard suffix else {
                    throw failure(b, at: textStart, "unit \(quoted(b, textStart..<textEnd)) is not a suffix of the metric name")
                }
            }
        }
        return entry
    }

    /// The inside of `{…}` with no spaces anywhere; one trailing comma allowed.
    /// Exemplar labels (`exemplar: true`) take no metric-name entry and no raw NUL.
    private mutating func omLabels(_ b: UnsafeBufferPointer<UInt8>, exemplar: Bool) throws(ExpositionError) {
        let end = b.count
        var i = pos
        while true {
            guard i < end else { throw failure(b, at: i, "data does not end with # EOF") }
            let c = b[i]
            if c == UInt8(ascii: "}") {
                pos = i + 1
                return
            }
            let tokenStart = i
            let (tokenEnd, isQuoted) = try labelNameToken(b, at: i, allowLineFeed: !exemplar)
            i = tokenEnd
            guard i < end else { throw failure(b, at: i, "data does not end with # EOF") }
            if isQuoted && (b[i] == UInt8(ascii: ",") || b[i] == UInt8(ascii: "}")) {
                guard !exemplar else { throw failure(b, at: tokenStart, "expected label name, got a quoted metric name in an exemplar") }
                try setQuotedMetricName(b, tokenStart, tokenEnd)
                if b[i] == UInt8(ascii: ",") { i += 1 }
                continue
            }
            guard b[i] == UInt8(ascii: "=") else {
                throw failure(b, at: i, "expected '=' after label name, got \(quoted(b, i..<i + 1))")
            }
            i += 1
            guard i < end, b[i] == UInt8(ascii: "\""), let close = scanQuoted(b, i, allowLineFeed: false, allowNUL: !exemplar) else {
                throw failure(b, at: i, "expected quoted label value, got \(quoted(b, i..<i + 1))")
            }
            if exemplar {
                guard UTF8Check.isValid(b, i + 1, close - 1) else { throw failure(b, at: i, "invalid UTF-8 in label value") }
            }
            let span = LabelSpan(name: tokenStart..<tokenEnd, quoted: isQuoted, valueOpen: i, valueClose: close)
            if exemplar { exemplarSpans.append(span) } else { appendSpan(span) }
            i = close
            guard i < end else { throw failure(b, at: i, "data does not end with # EOF") }
            if b[i] == UInt8(ascii: ",") {
                i += 1
            } else if b[i] != UInt8(ascii: "}") {
                throw failure(b, at: i, "expected ',' or '}' after label value, got \(quoted(b, i..<i + 1))")
            }
        }
    }

    /// ` VALUE`: one space, then the token up to the next space or LF.
    private mutating func omValue(_ b: UnsafeBufferPointer<UInt8>, what: StaticString) throws(ExpositionError) -> Double {
        let (start, end) = try omToken(b, what: what)
        guard let parsed = SampleValue.parse(b, start, end) else {
            throw failure(b, at: start, "invalid value \(quoted(b, start..<end))")
        }
        pos = end
        return parsed
    }

    /// The bounds of a ` TOKEN` at `pos`.
    private func omToken(_ b: UnsafeBufferPointer<UInt8>, what: StaticString) throws(ExpositionError) -> (Int, Int) {
        let i = pos
        guard i + 1 < b.count, b[i] == UInt8(ascii: " "), b[i + 1] != UInt8(ascii: " "), b[i + 1] != UInt8(ascii: "\n") else {
            throw failure(b, at: i, "expected a single space and \(what), got \(quoted(b, i..<i + 2))")
        }
        var j = i + 1
        while j < b.count && b[j] != UInt8(ascii: " ") && b[j] != UInt8(ascii: "\n") { j += 1 }
        return (i + 1, j)
    }

    /// A timestamp in seconds: any float but NaN and ±Inf, truncated to
    /// milliseconds as Go's `int64(ts * 1000)` does on amd64.
    private mutating func omTimestamp(_ b: UnsafeBufferPointer<UInt8>, exemplar: Bool) throws(ExpositionError) -> Int64 {
        let (start, end) = try omToken(b, what: "timestamp")
        guard let seconds = SampleValue.parse(b, start, end), seconds.isFinite else {
            throw failure(b, at: start, "invalid \(exemplar ? "exemplar " : "")timestamp \(quoted(b, start..<end))")
        }
        pos = end
        let ms = seconds * 1000
        return ms >= -9.223_372_036_854_775_808e18 && ms < 9.223_372_036_854_775_808e18 ? Int64(ms) : Int64.min
    }

    /// After the value: `LF`, ` TS`, an exemplar, or ` TS` and an exemplar.
    private mutating func omSampleTail(_ b: UnsafeBufferPointer<UInt8>) throws(ExpositionError) {
        if try omLineEnd(b) { return }
        if startsExemplar(b) { return try omExemplar(b) }
        timestamp = try omTimestamp(b, exemplar: false)
        if try omLineEnd(b) { return }
        guard startsExemplar(b) else {
            throw failure(b, at: pos, "expected an exemplar or end of line after timestamp, got \(quoted(b, pos..<pos + 1))")
        }
        try omExemplar(b)
    }

    /// Consumes an LF at `pos`; true when found. Running out of input is an error.
    private mutating func omLineEnd(_ b: UnsafeBufferPointer<UInt8>) throws(ExpositionError) -> Bool {
        guard pos < b.count else { throw failure(b, at: pos, "data does not end with # EOF") }
        guard b[pos] == UInt8(ascii: "\n") else { return false }
        pos += 1
        return true
    }

    private func startsExemplar(_ b: UnsafeBufferPointer<UInt8>) -> Bool { has(b, pos, " # {") }

    /// ` # {labels} VALUE [TS]` then LF.
    private mutating func omExemplar(_ b: UnsafeBufferPointer<UInt8>) throws(ExpositionError) {
        pos += 4
        exemplarStart = pos
        exemplarSpans.removeAll(keepingCapacity: true)
        try omLabels(b, exemplar: true)
        exemplarValue = try omValue(b, what: "value after exemplar labels")
        exemplarTimestamp = nil
        if try omLineEnd(b) { return }
        exemplarTimestamp = try omTimestamp(b, exemplar: true)
        guard try omLineEnd(b) else {
            throw failure(b, at: pos, "expected end of line after exemplar timestamp, got \(quoted(b, pos..<pos + 1))")
        }
    }
}
