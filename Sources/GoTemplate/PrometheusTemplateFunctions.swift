// Tollgate — GoTemplate: Prometheus's template functions (template/template.go and
// prometheus/common helpers/templates), with their exact output formats.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Model

/// What Prometheus's functions need from the caller: the query seam, the evaluation time
/// and `--web.external-url`.
public struct PrometheusTemplateContext: Sendable {
    /// Runs `query` (nil: calling `query` fails, as at rule-load checks).
    public var query: TemplateQueryFunction?
    /// The evaluation time in Unix milliseconds (`now`).
    public var evaluationTime: Int64
    /// `--web.external-url`, e.g. `http://prom.example:9090/prefix` (`externalURL`, `pathPrefix`).
    public var externalURL: String

    /// Creates a context.
    /// - Parameters:
    ///   - query: Runs an instant query at the evaluation time, or nil.
    ///   - evaluationTime: Unix milliseconds.
    ///   - externalURL: The server's external URL.
    public init(query: TemplateQueryFunction? = nil, evaluationTime: Int64 = 0, externalURL: String = "") {
        self.query = query
        self.evaluationTime = evaluationTime
        self.externalURL = externalURL
    }
}

/// Prometheus's template function set, for ``GoTemplate/init(name:text:functions:missingKey:)``.
public enum PrometheusTemplateFunctions {
    /// Every function Prometheus adds to Go's builtins (`tmpl`, console-only, excepted).
    /// - Parameter context: The query seam, evaluation time and external URL.
    public static func functions(_ context: PrometheusTemplateContext) -> [String: TemplateFunction] {
        var f = numberFunctions
        for (name, body) in stringFunctions { f[name] = body }
        for (name, body) in sampleFunctions { f[name] = body }
        f["query"] = { args in
            try TemplateArityError.check(args, 1)
            guard let run = context.query else { throw TemplateFunctionError("no query function") }
            return .list(try run(try string(args[0], "string")).map(\.templateValue))
        }
        f["now"] = { args in
            try TemplateArityError.check(args, 0)
            return .float(Double(context.evaluationTime) / 1000)
        }
        f["externalURL"] = { args in
            try TemplateArityError.check(args, 0)
            return .string(context.externalURL)
        }
        f["pathPrefix"] = { args in
            try TemplateArityError.check(args, 0)
            return .string(urlPath(context.externalURL))
        }
        return f
    }

    /// Go's `ConvertToFloat`: floats, ints, durations (in seconds) and numeric strings.
    static func float(_ value: TemplateValue) throws -> Double {
        switch value {
        case .float(let v): return v
        case .int(let v): return Double(v)
        case .duration(let ns): return Double(ns) / 1e9
        case .string(let s):
            guard let v = GoFloat.parse(s) else { throw TemplateFunctionError("strconv.ParseFloat: parsing \(GoFormat.quote(s)): invalid syntax") }
            return v
        default: throw TemplateFunctionError("can't convert \(value.goTypeName) to float")
        }
    }

    static func string(_ value: TemplateValue, _ expected: String) throws -> String {
        guard case .string(let s) = value else { throw TemplateFunctionError("wrong type for value; expected \(expected); got \(value.goTypeName)") }
        return s
    }

    /// `fmt.Sprintf("%.4g", v)`.
    static func g4(_ v: Double) -> String { GoFormat.sprintf("%.4g", [.float(v)]) }

    static let numberFunctions: [String: TemplateFunction] = [
        "humanize": { args in
            try TemplateArityError.check(args, 1)
            var v = try float(args[0])
            if v == 0 || !v.isFinite { return .string(g4(v)) }
            var prefix = ""
            if abs(v) >= 1 {
                for p in ["k", "M", "G", "T", "P", "E", "Z", "Y"] {
                    if abs(v) < 1000 { break }
                    prefix = p
                    v /= 1000
                }
            } else {
                for p in ["m", "u", "n", "p", "f", "a", "z", "y"] {
                    if abs(v) >= 1 { break }
                    prefix = p
                    v *= 1000
                }
            }
            return .string(g4(v) + prefix)
        },
        "humanize1024": { args in
            try TemplateArityError.check(args, 1)
            var v = try float(args[0])
            if abs(v) <= 1 || !v.isFinite { return .string(g4(v)) }
            var prefix = ""
            for p in ["ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"] {
                if abs(v) < 1024 { break }
                prefix = p
                v /= 1024
            }
            return .string(g4(v) + prefix)
        },
        "humanizeDuration": { args in
            try TemplateArityError.check(args, 1)
            return .string(humanizeDuration(try float(args[0])))
        },
        "humanizePercentage": { args in
            try TemplateArityError.check(args, 1)
            return .string(g4(try float(args[0]) * 100) + "%")
        },
        "humanizeTimestamp": { args in
            try TemplateArityError.check(args, 1)
            let v = try float(args[0])
            if !v.isFinite { return .string(g4(v)) }
            return .string(GoTime.string(nanoseconds: try timeNanoseconds(v)))
        },
        "toTime": { args in
            try TemplateArityError.check(args, 1)
            let v = try float(args[0])
            if !v.isFinite { throw TemplateFunctionError("value is NaN or Inf") }
            return .time(nanoseconds: try timeNanoseconds(v))
        },
        "toDuration": { args in
            try TemplateArityError.check(args, 1)
            let v = try float(args[0])
            let ns = v * 1e9
            guard ns.isFinite, ns < 9.223372036854775807e18, ns >= -9.223372036854775807e18 else {
                throw TemplateFunctionError("\(GoFormat.formatFloatV(v)) cannot be represented as a duration since it overflows int64")
            }
            return .duration(nanoseconds: Int64(ns))
        },
        "parseDuration": { args in
            try TemplateArityError.check(args, 1)
            let duration = try PromDuration.parse(try string(args[0], "string"))
            return .float(Double(duration.milliseconds) / 1000)
        },
    ]

    /// `helpers/templates.HumanizeDuration`.
    static func humanizeDuration(_ value: Double) -> String {
        var v = value
        if !v.isFinite { return g4(v) }
        if v == 0 { return g4(v) + "s" }
        if abs(v) >= 1 {
            var sign = ""
            if v < 0 {
                sign = "-"
                v = -v
            }
            let duration = v < 9.2e18 ? Int64(v) : Int64.max
            let seconds = duration % 60, minutes = duration / 60 % 60, hours = duration / 3600 % 24, days = duration / 86400
            if days != 0 { return "\(sign)\(days)d \(hours)h \(minutes)m \(seconds)s" }
            if hours != 0 { return "\(sign)\(hours)h \(minutes)m \(seconds)s" }
            if minutes != 0 { return "\(sign)\(minutes)m \(seconds)s" }
            return sign + g4(v) + "s"
        }
        var prefix = ""
        for p in ["m", "u", "n", "p", "f", "a", "z", "y"] {
            if abs(v) >= 1 { break }
            prefix = p
            v *= 1000
        }
        return g4(v) + prefix + "s"
    }

    /// `FloatToTime` then `model.TimeFromUnixNano(…).Time()`: the instant, truncated to
    /// milliseconds as Prometheus's `model.Time` holds it, in nanoseconds.
    static func timeNanoseconds(_ v: Double) throws -> Int64 {
        let timestamp = v * 1e9
        guard timestamp < 9.223372036854775807e18, timestamp >= -9.223372036854775807e18 else {
            throw TemplateFunctionError("\(GoFormat.formatFloatV(v)) cannot be represented as a nanoseconds timestamp since it overflows int64")
        }
        return Int64(timestamp) / 1_000_000 * 1_000_000
    }

    /// The path of a URL (`http://host:9090/prefix?x` → `/prefix`).
    static func urlPath(_ url: String) -> String {
        let bytes = Array(url.utf8)
        var start = 0
        if let scheme = (0..<max(0, bytes.count - 2)).first(where: { bytes[$0] == 0x3A && bytes[$0 + 1] == 0x2F && bytes[$0 + 2] == 0x2F }) {
            start = scheme + 3
        } else {
            return String(url.prefix { $0 != "?" && $0 != "#" })
        }
        let rest = Substring(String(decoding: bytes[start...], as: UTF8.self))
        guard let slash = rest.firstIndex(of: "/") else { return "" }
        return String(rest[slash...].prefix { $0 != "?" && $0 != "#" })
    }
}
