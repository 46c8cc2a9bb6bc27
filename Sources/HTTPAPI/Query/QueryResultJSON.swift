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
                json.bytes.reserveCapacity(json.bytes.count + series.reduce(0) { $0 + 64 + $1.points.count * 28 })
                json.array { json in
                    for one in series {
                        json.object { json in
                            json.field("metric", one.labels)
                            json.key("values")
                            json.array { json in
                                for point in one.points { json.point(point.t, point.v) }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Writes `[t,"v"]` straight into the buffer: answers hold hundreds of thousands of points.
    mutating func point(_ t: Int64, _ v: Double) {
        separate()
        bytes.append(UInt8(ascii: "["))
        appendTimestamp(t)
        bytes.append(contentsOf: [UInt8(ascii: ","), UInt8(ascii: "\"")])
        let magnitude = abs(v)
        if v == v.rounded(.towardZero) && magnitude < 1e15 && !(v == 0 && v.sign == .minus) {
            if v < 0 { bytes.append(UInt8(ascii: "-")) }
            appendDecimal(UInt64(magnitude))  // whole numbers, the common case for counters
        } else if magnitude >= 1e-4 && magnitude < 1e15 {
            bytes.append(contentsOf: v.description.utf8)  // Swift's shortest digits, plain in this range (never "x.0" here)
        } else {
            bytes.append(contentsOf: Self.sampleValue(v).utf8)
        }
        bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: "]")])
        needsComma = true
    }

    /// Writes milliseconds as seconds, as Prometheus's `jsonutil.MarshalTimestamp` does:
    /// the fraction always has three digits (`1700000000.100`), and is left out when zero.
    mutating func timestamp(_ ms: Int64) {
        separate()
        appendTimestamp(ms)
        needsComma = true
    }

    private mutating func appendTimestamp(_ ms: Int64) {
        if ms < 0 { bytes.append(UInt8(ascii: "-")) }
        appendDecimal(ms.magnitude / 1000)
        let fraction = ms.magnitude % 1000
        if fraction != 0 {
            bytes.append(UInt8(ascii: "."))
            if fraction < 100 { bytes.append(UInt8(ascii: "0")) }
            if fraction < 10 { bytes.append(UInt8(ascii: "0")) }
            appendDecimal(fraction)
        }
    }

    /// Appends the decimal digits of `n` without building a string.
    private mutating func appendDecimal(_ n: UInt64) {
        if n < 10 {
            bytes.append(UInt8(ascii: "0") + UInt8(n))
            return
        }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var i = 20, rest = n
            while rest > 0 {
                i -= 1
                digits[i] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[i..<20]))
        }
    }

    /// A sample value as Prometheus's `jsonutil.MarshalFloat` writes it: the shortest digits
    /// (Go's `'f'` format, `'e'` below 1e-6 and from 1e21), `NaN`, `+Inf`, `-Inf`.
    static func sampleValue(_ v: Double) -> String {
        let magnitude = abs(v)
        if magnitude != 0, magnitude.isFinite, magnitude < 1e-6 || magnitude >= 1e21 { return GoFloat.formatG(v) }
        return GoFloat.formatF(v)
    }
}
