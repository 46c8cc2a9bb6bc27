// Tollgate — Exposition: the pull parser over one scrape body.

public import Model

/// A pull parser for one exposition body, in the text format or OpenMetrics.
///
/// It accepts exactly what a Prometheus 3.x scrape accepts: call ``next()`` until
/// it returns nil; any thrown ``ExpositionError`` fails the whole body.
///
/// ```swift
/// var parser = ExpositionParser(bytes: body, format: .text)
/// while let entry = try parser.next() {
///     guard entry == .sample else { continue }
///     let key = parser.seriesBytes            // raw bytes: a cache key, no allocation
///     let labels = try parser.labels()        // only for a series not seen before
///     print(labels, parser.value, parser.timestamp as Any)
/// }
/// ```
/// The hot path (``next()`` on sample lines) allocates nothing: label positions go
/// into a buffer the parser reuses, and ``labels()`` builds strings only on demand.
public struct ExpositionParser {
    /// One kind of line.
    public enum Entry: Sendable, Hashable {
        /// `# HELP`: see ``metadataName`` and ``helpText``.
        case help
        /// `# TYPE`: see ``metadataName`` and ``metricType``.
        case type
        /// `# UNIT` (OpenMetrics): see ``metadataName`` and ``unitText``.
        case unit
        /// A comment (text format only): see ``commentText``.
        case comment
        /// A sample: see ``seriesBytes``, ``labels()``, ``value``, ``timestamp``, ``exemplar()``.
        case sample
    }

    /// Byte positions of one label in the body: name, then value (quotes excluded).
    struct LabelSpan {
        var nameStart: Int, nameEnd: Int, valueStart: Int, valueEnd: Int

        /// A label from its name token (quotes stripped when quoted) and the quotes around its value.
        @inline(__always)
        init(name: Range<Int>, quoted: Bool, valueOpen: Int, valueClose: Int) {
            nameStart = quoted ? name.lowerBound + 1 : name.lowerBound
            nameEnd = quoted ? name.upperBound - 1 : name.upperBound
            valueStart = valueOpen + 1
            valueEnd = valueClose - 1
        }
    }

    /// The format being parsed.
    public let format: ExpositionFormat
    /// The body; in the text format it always ends with LF (one is appended if missing).
    let bytes: [UInt8]
    var pos = 0
    var finished: Bool

    // The current entry.
    var entryStart = 0
    var nameStart = -1
    var nameEnd = -1
    var seriesEnd = 0
    /// Label positions of the current sample: the first `spanCount` elements (reused, never shrunk).
    var spans: [LabelSpan] = []
    var spanCount = 0
    var textStart = 0
    var textEnd = 0
    var exemplarStart = -1
    var exemplarSpans: [LabelSpan] = []
    var exemplarValue = 0.0
    var exemplarTimestamp: Int64?
    /// The current sample's labels were not scanned (it matched `expected`); ``labels()``
    /// scans them when asked.
    var labelsSkipped = false
    /// The family named by the last TYPE line (raw bytes, quotes stripped).
    var familyStart = 0
    var familyEnd = 0

    /// The value of the current sample; NaN always has the bits `0x7ff8000000000001`.
    public internal(set) var value = 0.0
    /// The current sample's own timestamp in milliseconds, if the line had one.
    /// OpenMetrics seconds are converted as Prometheus does: `trunc(seconds * 1000)`.
    public internal(set) var timestamp: Int64?
    /// The type named by the most recent `# TYPE` line (Prometheus's "current type",
    /// which also decides `le`/`quantile` normalization), `.unknown` before any.
    public internal(set) var metricType = MetricType.unknown
    /// Whether `le`/`quantile` values are rewritten to the OpenMetrics float form, as
    /// Prometheus 3.x does; off reproduces 2.x (used to compare with a 2.42 oracle).
    package var normalizesLabelValues = true

    /// Creates a parser over a body.
    /// - Parameters:
    ///   - bytes: the body as received (after any gzip decoding).
    ///   - format: which grammar to apply; see ``ExpositionFormat/negotiate(contentType:fallback:)``.
    ///
    /// A 0-byte body is an empty, successful scrape in either format (Prometheus 3.x).
    public init(bytes: [UInt8], format: ExpositionFormat) {
        self.format = format
        self.finished = bytes.isEmpty
        // The text grammar needs a final LF (Prometheus appends one). Most bodies
        // already end with one, and then the caller's storage is shared, not copied.
        if format == .text, let last = bytes.last, last != UInt8(ascii: "\n") {
            self.bytes = bytes + [UInt8(ascii: "\n")]
        } else {
            self.bytes = bytes
        }
        spans.reserveCapacity(16)
    }

    /// Advances to the next entry.
    /// - Returns: the kind of entry, or nil at the end of the body.
    /// - Throws: ``ExpositionError`` with line and column; the body is then invalid as a whole.
    public mutating func next() throws(ExpositionError) -> Entry? {
        try advance(expecting: -1, in: Self.noKeys)
    }

    private static let noKeys = SeriesKeyTable(capacity: 0)

    /// Advances like ``next()``, expecting the series that `table` holds under `id`: in the
    /// text format, a sample line that starts with exactly those bytes (then a blank, and
    /// no labels after a bare name) is read without scanning its labels again, and
    /// ``matchedExpected`` is set. A scrape cache expects the series that followed the last
    /// one in the previous scrape, since targets keep their order.
    public mutating func next(expecting id: Int, in table: SeriesKeyTable) throws(ExpositionError) -> Entry? {
        try advance(expecting: id, in: table)
    }

    /// Whether the current sample is the series ``next(expecting:in:)`` expected, recognised
    /// from its bytes alone.
    public var matchedExpected: Bool { labelsSkipped }

    private mutating func advance(expecting id: Int, in table: SeriesKeyTable) throws(ExpositionError) -> Entry? {
        if finished { return nil }
        let body = bytes
        return try body.withUnsafeBufferPointer { (buffer) throws(ExpositionError) -> Entry? in
            switch format {
            case .text: try nextText(buffer, expecting: id, in: table)
            case .openMetrics: try nextOpenMetrics(buffer)
            }
        }
    }

    /// How much of the body has been read, from 0 to 1.
    public var progress: Double { bytes.isEmpty ? 1 : Double(pos) / Double(bytes.count) }

    /// The raw bytes of the current sample's series (name and labels, as written).
    ///
    /// Two lines with the same bytes are the same series, so this is the key for
    /// a cache of series already seen; slicing allocates nothing.
    public var seriesBytes: ArraySlice<UInt8> { bytes[entryStart..<seriesEnd] }

    /// The metric name of the current HELP, TYPE or UNIT line, unescaped.
    public var metadataName: String { unescaped(nameStart, nameEnd, newlineOnlyAndBackslash: false) }

    /// The text of the current HELP line, unescaped (text format: `\\` and `\n`;
    /// OpenMetrics: also `\"`).
    public var helpText: String { unescaped(textStart, textEnd, newlineOnlyAndBackslash: format == .text) }

    /// The unit of the current UNIT line (may be empty).
    public var unitText: String { string(textStart, textEnd) }

    /// The text of the current comment line, from `#` to the end of the line.
    public var commentText: String { string(textStart, textEnd) }

    /// For an OpenMetrics `<family>_created` sample of a counter, histogram or summary
    /// family: the created (start) timestamp it states, in milliseconds; otherwise nil.
    ///
    /// Prometheus stores such lines as ordinary series too, unless asked to consume
    /// them as start timestamps (`created-timestamp-zero-ingestion`).
    public var createdTimestamp: Int64? {
        guard format == .openMetrics, nameStart >= 0, [.counter, .histogram, .summary].contains(metricType) else { return nil }
        let suffix = Array("_created".utf8)
        let family = familyEnd - familyStart
        guard nameEnd - nameStart == family + suffix.count,
            bytes[nameStart..<nameStart + family].elementsEqual(bytes[familyStart..<familyEnd]),
            bytes[(nameEnd - suffix.count)..<nameEnd].elementsEqual(suffix),
            value.isFinite
        else { return nil }
        let ms = value * 1000
        return ms >= -9.223_372_036_854_775_808e18 && ms < 9.223_372_036_854_775_808e18 ? Int64(ms) : nil
    }

    /// The current sample's exemplar (OpenMetrics), or nil.
    public func exemplar() -> Exemplar? {
        guard exemplarStart >= 0 else { return nil }
        let labels = exemplarSpans.map {
            Label(unescaped($0.nameStart, $0.nameEnd, newlineOnlyAndBackslash: false), unescaped($0.valueStart, $0.valueEnd, newlineOnlyAndBackslash: false))
        }
        return Exemplar(labels: Labels(sorting: labels), value: exemplarValue, timestamp: exemplarTimestamp)
    }

    func string(_ start: Int, _ end: Int) -> String {
        String(decoding: bytes[start..<end], as: UTF8.self)
    }

    /// Replaces `\\`, `\"` (unless `newlineOnlyAndBackslash`) and `\n`, left to
    /// right; every other backslash sequence stays as written.
    func unescaped(_ start: Int, _ end: Int, newlineOnlyAndBackslash: Bool) -> String {
        let slice = bytes[start..<end]
        guard slice.contains(UInt8(ascii: "\\")) else { return String(decoding: slice, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(slice.count)
        var i = start
        while i < end {
            let c = bytes[i]
            if c == UInt8(ascii: "\\") && i + 1 < end {
                let n = bytes[i + 1]
                if n == UInt8(ascii: "\\") || n == UInt8(ascii: "n") || (n == UInt8(ascii: "\"") && !newlineOnlyAndBackslash) {
                    out.append(n == UInt8(ascii: "n") ? UInt8(ascii: "\n") : n)
                    i += 2
                    continue
                }
            }
            out.append(c)
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Records one label's position, reusing the buffer's storage.
    @inline(__always)
    mutating func appendSpan(_ span: LabelSpan) {
        if spanCount < spans.count {
            spans[spanCount] = span
        } else {
            spans.append(span)
        }
        spanCount += 1
    }

    /// A label-name token at `i` (both formats): bare `[a-zA-Z_][a-zA-Z0-9_]*` or a quoted string.
    /// - Returns: the index after the token, and whether it was quoted.
    func labelNameToken(_ b: UnsafeBufferPointer<UInt8>, at i: Int, allowLineFeed: Bool) throws(ExpositionError) -> (Int, Bool) {
        let c = i < b.count ? b[i] : 0
        if c == UInt8(ascii: "\"") {
            guard let close = scanQuoted(b, i, allowLineFeed: allowLineFeed, allowNUL: false) else {
                throw failure(b, at: i, "unterminated quoted label name")
            }
            return (close, true)
        }
        guard isLabelNameStart(c) else { throw failure(b, at: i, "expected label name or '}', got \(quoted(b, i..<i + 1))") }
        var j = i + 1
        while j < b.count && isLabelNameByte(b[j]) { j += 1 }
        return (j, false)
    }

    /// Takes a quoted string followed by `,` or `}` inside the braces as the metric name.
    mutating func setQuotedMetricName(_ b: UnsafeBufferPointer<UInt8>, _ tokenStart: Int, _ tokenEnd: Int) throws(ExpositionError) {
        guard nameStart == -1 else { throw failure(b, at: tokenStart, "metric name already set") }
        nameStart = tokenStart + 1
        nameEnd = tokenEnd - 1
    }

    /// Builds the error for a position in the body.
    func failure(_ buffer: UnsafeBufferPointer<UInt8>, at offset: Int, _ message: String) -> ExpositionError {
        ExpositionError.at(offset, in: buffer, message)
    }

    /// Resets the per-entry state at the start of a line.
    mutating func beginEntry() {
        entryStart = pos
        labelsSkipped = false
        nameStart = -1
        nameEnd = -1
        spanCount = 0
        timestamp = nil
        exemplarStart = -1
    }
}

/// An OpenMetrics exemplar: `# {trace_id="abc"} 0.5 1700000000.123`.
public struct Exemplar: Sendable, Hashable {
    /// The exemplar's labels.
    public var labels: Labels
    /// The exemplar's value (any float, NaN included).
    public var value: Double
    /// Its timestamp in milliseconds, if given.
    public var timestamp: Int64?
}

@inline(__always) func isBlank(_ c: UInt8) -> Bool { c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") }
@inline(__always) func isDigit(_ c: UInt8) -> Bool { c &- UInt8(ascii: "0") < 10 }

/// Byte classes as 128-bit masks (bit n set: byte n is in the class); one shift and test per byte.
@usableFromInline enum ByteClass {
    /// `[a-zA-Z_]` in the upper half (64...127); nothing in the lower half.
    static let letterHigh: UInt64 = 0x07FF_FFFE_87FF_FFFE
    /// `[0-9]` in the lower half.
    static let digitLow: UInt64 = 0x03FF_0000_0000_0000
    /// `:` in the lower half.
    static let colonLow: UInt64 = 0x0400_0000_0000_0000
    /// Bytes a quoted string scan must stop at: NUL, LF, `"` (lower half) and `\` (upper half).
    static let quotedStopLow: UInt64 = 1 << 0 | 1 << 10 | 1 << 34
    static let quotedStopHigh: UInt64 = 1 << (92 - 64)

    @inline(__always) static func test(_ c: UInt8, low: UInt64, high: UInt64) -> Bool {
        c < 64 ? (low >> UInt64(c)) & 1 != 0 : c < 128 ? (high >> UInt64(c &- 64)) & 1 != 0 : false
    }
}

// Names are mostly lowercase letters and `_`: those take one subtraction and one comparison.

/// `[a-zA-Z_]`
@inline(__always) func isLabelNameStart(_ c: UInt8) -> Bool {
    c &- UInt8(ascii: "a") < 26 || c == UInt8(ascii: "_") || ByteClass.test(c, low: 0, high: ByteClass.letterHigh)
}
/// `[a-zA-Z_0-9]`
@inline(__always) func isLabelNameByte(_ c: UInt8) -> Bool {
    c &- UInt8(ascii: "a") < 26 || c == UInt8(ascii: "_") || ByteClass.test(c, low: ByteClass.digitLow, high: ByteClass.letterHigh)
}
/// `[a-zA-Z_:]`
@inline(__always) func isMetricNameStart(_ c: UInt8) -> Bool {
    c &- UInt8(ascii: "a") < 26 || c == UInt8(ascii: "_") || ByteClass.test(c, low: ByteClass.colonLow, high: ByteClass.letterHigh)
}
/// `[a-zA-Z_:0-9]`
@inline(__always) func isMetricNameByte(_ c: UInt8) -> Bool {
    c &- UInt8(ascii: "a") < 26 || c == UInt8(ascii: "_")
        || ByteClass.test(c, low: ByteClass.colonLow | ByteClass.digitLow, high: ByteClass.letterHigh)
}
