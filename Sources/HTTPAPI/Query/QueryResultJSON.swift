// Tollgate — HTTPAPI: query results in Prometheus's JSON shapes.

import Model
import PromQLEngine

extension JSONWriter {
    /// Writes `{"resultType":…,"result":…}` for a query's value.
    mutating func queryData(_ value: QueryValue) {
        object { json in
            json.field("resultType", value.resultType)
            json.key("result")
            switch value {
            case .scalar(let t, let v):
                // Prometheus marshals scalars and strings with encoding/json: the time is a float64.
                json.array { json in
                    json.number(Double(t) / 1000)
                    json.string(Self.sampleValue(v))
                }
            case .string(let t, let s):
                json.array { json in
                    json.number(Double(t) / 1000)
                    json.string(s)
                }
            case .vector(let samples):
                json.array { json in
                    for sample in samples {
                        json.object { json in
                            json.field("metric", sample.labels)
                            json.key("value")
                            json.point(sample.t, sample.v)
                        }
                    }
                }
            case .matrix(let series):
                let size = series.reduce(0) { $0 + 64 + $1.points.count * 28 }
                json.buffer.reserveCapacity(json.buffer.count + size)
                // A large answer is written in shares on several cores, then joined in order.
                let shares = Parallel.shares(series.count, minimum: 256)
                let parts = Parallel.map(shares.count) { share in
                    var part = JSONWriter()
                    part.buffer.reserveCapacity(size / shares.count + 1024)
                    part.matrixElements(series[shares[share]])
                    return part.bytes
                }
                json.array { json in
                    for part in parts where !part.isEmpty {
                        json.separate()
                        json.buffer.append(contentsOf: part)
                        json.needsComma = true
                    }
                }
            }
        }
    }

    /// Writes the series of a matrix as array elements `{"metric":…,"values":[…]},…`.
    mutating func matrixElements(_ series: ArraySlice<RangeSeries>) {
        var stamps = PointTexts()
        for one in series {
            object { json in
                json.field("metric", one.labels)
                json.key("values")
                json.array { json in json.points(one.points, &stamps) }
            }
        }
    }

    /// Writes `[t,"v"]` straight into the buffer: answers hold hundreds of thousands of points.
    mutating func point(_ t: Int64, _ v: Double) {
        separate()
        needsComma = true
        let whole = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 72) { scratch -> Bool in
            var uncached = PointTexts()
            guard let base = scratch.baseAddress, let n = Self.writeWholePoint(FloatPoint(t: t, v: v), nil, &uncached, to: base) else { return false }
            buffer.append(contentsOf: UnsafeBufferPointer(start: base, count: n))
            return true
        }
        if whole { return }
        buffer.append(UInt8(ascii: "["))
        appendTimestamp(t)
        buffer.append(contentsOf: [UInt8(ascii: ","), UInt8(ascii: "\"")])
        let magnitude = abs(v)
        if v != v.rounded(.towardZero) && magnitude >= 1e-4 && magnitude < 1e15 {
            buffer.append(contentsOf: v.description.utf8)  // Swift's shortest digits, plain in this range (never "x.0" here)
        } else {
            buffer.append(contentsOf: Self.sampleValue(v).utf8)
        }
        buffer.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: "]")])
    }

    /// Writes the elements `[t,"v"],…` of a series' points: whole-number values (counters,
    /// gauges of counts) go through a pointer into a scratch buffer, a block of points at a
    /// time, since a range answer holds hundreds of thousands of them; other values
    /// through `point(_:_:)`.
    mutating func points(_ points: [FloatPoint], _ stamps: inout PointTexts) {
        // "[" 20 digits "." 3 digits ",\"" "-" 15 digits "\"]," fits in 48; cached texts are
        // copied 24 bytes at a time, which the value's may overrun by 24 more.
        let block = 2_048, pointSize = 72
        var start = 0
        while start < points.count {
            let end = min(start + block, points.count)
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: block * pointSize) { scratch in
                guard let base = scratch.baseAddress else { return }
                var n = 0
                for (index, point) in zip(start..<end, points[start..<end]) {
                    let separator = needsComma ? 1 : 0
                    if let written = Self.writeWholePoint(point, index, &stamps, to: base + n + separator) {
                        if needsComma { base[n] = UInt8(ascii: ",") }
                        n += separator + written
                        needsComma = true
                    } else {
                        buffer.append(contentsOf: UnsafeBufferPointer(start: base, count: n))
                        n = 0
                        self.point(point.t, point.v)
                    }
                }
                buffer.append(contentsOf: UnsafeBufferPointer(start: base, count: n))
            }
            start = end
        }
    }

    /// Writes `[t,"v"]` for a whole-number value below 1e15 and a time not before 1970;
    /// the byte count, or nil (writing nothing that counts) for other points.
    private static func writeWholePoint(
        _ point: FloatPoint, _ index: Int?, _ stamps: inout PointTexts, to p: UnsafeMutablePointer<UInt8>
    ) -> Int? {
        let t = point.t, v = point.v, magnitude = abs(v)
        guard t >= 0, v == v.rounded(.towardZero), magnitude < 1e15, !(v == 0 && v.sign == .minus) else { return nil }
        p[0] = UInt8(ascii: "[")
        var n = 1 + stamps.write(t, at: index, to: p + 1)
        p[n] = UInt8(ascii: ",")
        p[n + 1] = UInt8(ascii: "\"")
        n += 2
        n += stamps.writeWhole(v, cached: index != nil, to: p + n)
        p[n] = UInt8(ascii: "\"")
        p[n + 1] = UInt8(ascii: "]")
        return n + 2
    }
}

/// Texts already written for the points of a range answer: the series of a range answer
/// mostly share their step times, so each time is formatted once per answer and then
/// copied; and a value repeats at consecutive steps until the next sample (four times at a
/// 15 s step over 60 s scrapes), so the last value's text is kept too.
struct PointTexts {
    private var times: [Int64] = []
    private var timeTexts: [ShortText] = []
    private var lastValue: UInt64?
    private var lastValueText = ShortText()

    /// Writes a whole number below 1e15 (not -0), reusing the last one's text when `cached`
    /// and it is the same; the byte count. `p` must have 24 bytes of room.
    @inline(__always)
    mutating func writeWhole(_ v: Double, cached: Bool, to p: UnsafeMutablePointer<UInt8>) -> Int {
        if cached, lastValue == v.bitPattern { return lastValueText.write(to: p) }
        var n = 0
        if v < 0 {
            p[0] = UInt8(ascii: "-")
            n = 1
        }
        n += JSONWriter.writeDecimal(UInt64(abs(v)), to: p + n)
        if cached {
            lastValue = v.bitPattern
            lastValueText = ShortText(p, count: n)
        }
        return n
    }

    /// Writes `t` (milliseconds, not negative) as the `index`th point's time (nil: a point
    /// outside a series, not cached); the byte count. `p` must have 24 bytes of room.
    @inline(__always)
    mutating func write(_ t: Int64, at index: Int?, to p: UnsafeMutablePointer<UInt8>) -> Int {
        guard let index else { return JSONWriter.writeTimestamp(UInt64(t), to: p) }
        if index < times.count && times[index] == t { return timeTexts[index].write(to: p) }
        let length = JSONWriter.writeTimestamp(UInt64(t), to: p)
        if index == times.count {
            times.append(t)
            timeTexts.append(ShortText(p, count: length))
        } else if index < times.count {
            times[index] = t
            timeTexts[index] = ShortText(p, count: length)
        }
        return length
    }
}

/// A text of at most 24 bytes, kept and copied as three words.
struct ShortText {
    private var words: (UInt64, UInt64, UInt64) = (0, 0, 0)
    private var count = 0

    init() {}

    /// The `count` bytes at `p`; 24 bytes from `p` must be readable.
    @inline(__always)
    init(_ p: UnsafeMutablePointer<UInt8>, count: Int) {
        words = UnsafeRawPointer(p).loadUnaligned(as: (UInt64, UInt64, UInt64).self)
        self.count = count
    }

    /// Writes the text (and up to 24 bytes after it, which the caller overwrites); its length.
    @inline(__always)
    func write(to p: UnsafeMutablePointer<UInt8>) -> Int {
        UnsafeMutableRawPointer(p).storeBytes(of: words, as: (UInt64, UInt64, UInt64).self)
        return count
    }
}
