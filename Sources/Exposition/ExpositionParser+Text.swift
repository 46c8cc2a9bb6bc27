// Tollgate — Exposition: the Prometheus text format 0.0.4, as a 3.x scrape reads it.

import Model

extension ExpositionParser {
    /// One entry of the text format. Blanks are spaces and tabs; blank lines are
    /// skipped; a NUL where a line starts ends the body; `#` lines that are not
    /// HELP/TYPE are comments.
    mutating func nextText(_ b: UnsafeBufferPointer<UInt8>, expecting id: Int, in table: SeriesKeyTable) throws(ExpositionError) -> Entry? {
        let end = b.count
        while true {
            beginEntry()
            var i = pos
            while i < end && isBlank(b[i]) { i += 1 }
            guard i < end else {
                finished = true
                return nil
            }
            let c = b[i]
            if c == 0 {
                finished = true  // Prometheus's lexer reads a NUL at a line start as end of input.
                return nil
            }
            if c == UInt8(ascii: "\n") {
                pos = i + 1
                continue
            }
            if c == UInt8(ascii: "#") { return try textHashLine(b, i) }
            if id >= 0, let end = table.matches(id, b, at: entryStart) {
                // The series bytes of a series already seen, as written then: they were
                // checked when first seen, so only the value and timestamp are parsed.
                nameStart = entryStart
                nameEnd = entryStart
                seriesEnd = end
                pos = end
                labelsSkipped = true
                try textSampleSuffix(b)
                return .sample
            }
            try textSeries(b, i)
            try textSampleSuffix(b)
            return .sample
        }
    }

    /// The series part of a sample line starting (after blanks) at `i`: a name, labels, or both.
    mutating func textSeries(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) throws(ExpositionError) {
        if b[i] == UInt8(ascii: "{") {
            pos = i + 1
            try textLabels(b)
            seriesEnd = pos
            return
        }
        guard isMetricNameStart(b[i]) else {
            throw failure(b, at: i, "expected a metric name, '{', '#' or a line break, got \(quoted(b, i..<i + 1))")
        }
        var j = i + 1
        while isMetricNameByte(b[j]) { j += 1 }
        // Prometheus 3.x takes the name from the start of the line, leading blanks included.
        nameStart = entryStart
        nameEnd = j
        seriesEnd = j
        var k = j
        while isBlank(b[k]) { k += 1 }
        if b[k] == UInt8(ascii: "{") {
            pos = k + 1
            try textLabels(b)
            seriesEnd = pos
        } else {
            pos = j
        }
    }

    /// A line starting with `#`: HELP, TYPE or a comment.
    private mutating func textHashLine(_ b: UnsafeBufferPointer<UInt8>, _ hash: Int) throws(ExpositionError) -> Entry? {
        var i = hash + 1
        textStart = hash
        guard isBlank(b[i]) else {
            // `#x…`: a comment in which a NUL ends the input (the lexer is not in its comment state).
            while b[i] != UInt8(ascii: "\n") {
                if b[i] == 0 {
                    finished = true
                    return nil
                }
                i += 1
            }
            textEnd = i
            pos = i + 1
            return .comment
        }
        while isBlank(b[i]) { i += 1 }
        if b[i] == 0 {
            finished = true
            return nil
        }
        if let keyword = metadataKeyword(b, i), isBlank(b[i + 4]) {
            var k = i + 5
            while isBlank(b[k]) { k += 1 }
            return try textMetadata(b, isHelp: keyword, at: k)
        }
        while b[i] != UInt8(ascii: "\n") { i += 1 }
        textEnd = i
        pos = i + 1
        return .comment
    }

    /// `true` for HELP, `false` for TYPE, nil for neither.
    private func metadataKeyword(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> Bool? {
        guard i + 4 < b.count else { return nil }
        if b[i] == UInt8(ascii: "H") && b[i + 1] == UInt8(ascii: "E") && b[i + 2] == UInt8(ascii: "L") && b[i + 3] == UInt8(ascii: "P") {
            return true
        }
        if b[i] == UInt8(ascii: "T") && b[i + 1] == UInt8(ascii: "Y") && b[i + 2] == UInt8(ascii: "P") && b[i + 3] == UInt8(ascii: "E") {
            return false
        }
        return nil
    }

    /// `# HELP|TYPE <name> <text>`: the text is the rest of the line minus its first byte.
    private mutating func textMetadata(_ b: UnsafeBufferPointer<UInt8>, isHelp: Bool, at start: Int) throws(ExpositionError) -> Entry {
        let keyword = isHelp ? "HELP" : "TYPE"
        var after: Int
        if b[start] == UInt8(ascii: "\"") {
            guard let close = scanQuoted(b, start, allowLineFeed: true, allowNUL: false) else {
                throw failure(b, at: start, "unterminated quoted metric name after \(keyword)")
            }
            nameStart = start + 1
            nameEnd = close - 1
            after = close
        } else if isMetricNameStart(b[start]) {
            after = start + 1
            while isMetricNameByte(b[after]) { after += 1 }
            nameStart = start
            nameEnd = after
        } else {
            throw failure(b, at: start, "expected metric name after \(keyword), got \(quoted(b, start..<start + 1))")
        }
        var lineFeed = after
        var onlyBlanks = true
        while b[lineFeed] != UInt8(ascii: "\n") {
            if !isBlank(b[lineFeed]) { onlyBlanks = false }
            lineFeed += 1
        }
        textStart = onlyBlanks ? lineFeed : after + 1
        textEnd = lineFeed
        pos = lineFeed + 1
        if isHelp {
            guard UTF8Check.isValid(b, textStart, textEnd) else {
                throw failure(b, at: textStart, "help text is not valid UTF-8")
            }
            return .help
        }
        guard let type = Self.textType(b, textStart, textEnd) else {
            throw failure(b, at: textStart, "invalid metric type \(quoted(b, textStart..<textEnd)); expected counter, gauge, histogram, summary or untyped")
        }
        metricType = type
        familyStart = nameStart
        familyEnd = nameEnd
        return .type
    }

    private static func textType(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> MetricType? {
        switch String(decoding: UnsafeBufferPointer(rebasing: b[start..<end]), as: UTF8.self) {
        case "counter": .counter
        case "gauge": .gauge
        case "histogram": .histogram
        case "summary": .summary
        case "untyped": .unknown
        default: nil
        }
    }

    /// The inside of `{…}`: blanks allowed around everything, commas optional
    /// between pairs, one trailing comma, a quoted metric name at any position.
    private mutating func textLabels(_ b: UnsafeBufferPointer<UInt8>) throws(ExpositionError) {
        var i = pos
        while true {
            while isBlank(b[i]) { i += 1 }
            if b[i] == UInt8(ascii: "}") {
                pos = i + 1
                return
            }
            let tokenStart = i
            let (tokenEnd, isQuoted) = try labelNameToken(b, at: i, allowLineFeed: true)
            i = tokenEnd
            while isBlank(b[i]) { i += 1 }
            if isQuoted && (b[i] == UInt8(ascii: ",") || b[i] == UInt8(ascii: "}")) {
                try setQuotedMetricName(b, tokenStart, tokenEnd)
                if b[i] == UInt8(ascii: ",") { i += 1 }
                continue
            }
            guard b[i] == UInt8(ascii: "=") else {
                throw failure(b, at: i, "expected '=' after label name, got \(quoted(b, i..<i + 1))")
            }
            i += 1
            while isBlank(b[i]) { i += 1 }
            guard b[i] == UInt8(ascii: "\""), let close = scanQuoted(b, i, allowLineFeed: true, allowNUL: true) else {
                throw failure(b, at: i, "expected quoted label value, got \(quoted(b, i..<i + 1))")
            }
            appendSpan(LabelSpan(name: tokenStart..<tokenEnd, quoted: isQuoted, valueOpen: i, valueClose: close))
            i = close
            while isBlank(b[i]) { i += 1 }
            if b[i] == UInt8(ascii: ",") { i += 1 }
        }
    }

    /// After the series: `[blanks] VALUE [blanks TIMESTAMP] [blanks] LF`.
    private mutating func textSampleSuffix(_ b: UnsafeBufferPointer<UInt8>) throws(ExpositionError) {
        guard nameStart >= 0 else { throw failure(b, at: entryStart, "metric name not set") }
        var i = pos
        while isBlank(b[i]) { i += 1 }
        let valueStart = i
        while b[i] != UInt8(ascii: "\n") && b[i] != UInt8(ascii: "{") && !isBlank(b[i]) { i += 1 }
        guard i > valueStart else { throw failure(b, at: i, "expected value after metric, got \(quoted(b, i..<i + 1))") }
        guard let parsed = SampleValue.parse(b, valueStart, i) else {
            throw failure(b, at: valueStart, "invalid value \(quoted(b, valueStart..<i))")
        }
        value = parsed
        while isBlank(b[i]) { i += 1 }
        if isDigit(b[i]) {
            let tsStart = i
            var ts: Int64 = 0
            var overflow = false
            while isDigit(b[i]) {
                let (m, o1) = ts.multipliedReportingOverflow(by: 10)
                let (s, o2) = m.addingReportingOverflow(Int64(b[i] &- UInt8(ascii: "0")))
                overflow = overflow || o1 || o2
                ts = s
                i += 1
            }
            guard !overflow else { throw failure(b, at: tsStart, "timestamp \(quoted(b, tsStart..<i)) out of range") }
            timestamp = ts
            while isBlank(b[i]) { i += 1 }
            guard b[i] == UInt8(ascii: "\n") else {
                throw failure(b, at: i, "expected end of line after timestamp, got \(quoted(b, i..<i + 1))")
            }
        } else if b[i] != UInt8(ascii: "\n") {
            throw failure(b, at: i, "expected timestamp or end of line, got \(quoted(b, i..<i + 1))")
        }
        pos = i + 1
    }

    /// The first index at or after `start` holding NUL, LF, `"` or `\`, or `b.count`.
    ///
    /// Eight bytes at a time (SWAR): a byte equal to a stop byte becomes zero after the
    /// XOR, and `(v - 0x01…) & ~v & 0x80…` flags the first zero byte exactly.
    @inline(__always)
    func skipQuotedText(_ b: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var i = start
        let end = b.count
        if let base = UnsafeRawPointer(b.baseAddress) {
            while i + 8 <= end {
                let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                let hits = zeroBytes(word) | zeroBytes(word ^ 0x2222_2222_2222_2222) | zeroBytes(word ^ 0x5C5C_5C5C_5C5C_5C5C)
                    | zeroBytes(word ^ 0x0A0A_0A0A_0A0A_0A0A)
                if hits != 0 { return i + hits.trailingZeroBitCount / 8 }
                i += 8
            }
        }
        while i < end && !ByteClass.test(b[i], low: ByteClass.quotedStopLow, high: ByteClass.quotedStopHigh) { i += 1 }
        return i
    }

    @inline(__always)
    private func zeroBytes(_ v: UInt64) -> UInt64 { (v &- 0x0101_0101_0101_0101) & ~v & 0x8080_8080_8080_8080 }

    /// Scans `"…"` from the opening quote: a backslash escapes any one byte but LF.
    /// - Returns: the index after the closing quote, or nil when it does not close.
    func scanQuoted(_ b: UnsafeBufferPointer<UInt8>, _ open: Int, allowLineFeed: Bool, allowNUL: Bool) -> Int? {
        var i = open + 1
        let end = b.count
        while i < end {
            i = skipQuotedText(b, from: i)
            guard i < end else { return nil }
            switch b[i] {
            case UInt8(ascii: "\""): return i + 1
            case UInt8(ascii: "\\"):
                guard i + 1 < end, b[i + 1] != UInt8(ascii: "\n"), allowNUL || b[i + 1] != 0 else { return nil }
                i += 2
            case UInt8(ascii: "\n"):
                guard allowLineFeed else { return nil }
                i += 1
            case 0:
                guard allowNUL else { return nil }
                i += 1
            default:
                i += 1
            }
        }
        return nil
    }
}

