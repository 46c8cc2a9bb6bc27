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

    /// Writes `[t,"v"]`.
    mutating func point(_ t: Int64, _ v: Double) {
        array { json in
            json.timestamp(t)
            json.string(Self.sampleValue(v))
        }
    }

    /// Writes milliseconds as seconds, as Prometheus's `jsonutil.MarshalTimestamp` does:
    /// the fraction always has three digits (`1700000000.100`), and is left out when zero.
    mutating func timestamp(_ ms: Int64) {
        raw(Self.timestampText(ms))
    }

    /// The text of ``timestamp(_:)``.
    static func timestampText(_ ms: Int64) -> String {
        let magnitude = ms.magnitude
        var text = ms < 0 ? "-" : ""
        text += String(magnitude / 1000)
        let fraction = magnitude % 1000
        if fraction != 0 {
            text += "."
            if fraction < 100 { text += "0" }
            if fraction < 10 { text += "0" }
            text += String(fraction)
        }
        return text
    }

    /// A sample value as Prometheus's `jsonutil.MarshalFloat` writes it: the shortest digits
    /// (Go's `'f'` format, `'e'` below 1e-6 and from 1e21), `NaN`, `+Inf`, `-Inf`.
    static func sampleValue(_ v: Double) -> String {
        let magnitude = abs(v)
        if magnitude != 0, magnitude.isFinite, magnitude < 1e-6 || magnitude >= 1e21 { return GoFloat.formatG(v) }
        return GoFloat.formatF(v)
    }
}
