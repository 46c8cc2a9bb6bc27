// Tollgate — PromQL: the function table the parser checks calls against.
//
// Names, argument types and optional-argument counts follow Prometheus's
// promql/parser/functions.go.

/// A PromQL function's signature.
public struct FunctionSignature: Sendable, Hashable {
    public let name: String
    public let argTypes: [ValueType]
    /// 0: exactly `argTypes`; n > 0: the last n may be left out; -1: the last repeats any number of times.
    public let variadic: Int
    public let returnType: ValueType
    /// Needs the experimental-functions switch, as in Prometheus.
    public let experimental: Bool

    init(_ name: String, _ argTypes: [ValueType], _ returnType: ValueType, variadic: Int = 0, experimental: Bool = false) {
        self.name = name
        self.argTypes = argTypes
        self.variadic = variadic
        self.returnType = returnType
        self.experimental = experimental
    }

    /// The function of that name, if PromQL has one.
    public static func named(_ name: String) -> FunctionSignature? { table[name] }

    /// Every function, by name.
    public static let table: [String: FunctionSignature] = {
        let v = ValueType.vector, m = ValueType.matrix, s = ValueType.scalar, str = ValueType.string
        var all: [FunctionSignature] = [
            .init("abs", [v], v), .init("absent", [v], v), .init("absent_over_time", [m], v),
            .init("acos", [v], v), .init("acosh", [v], v), .init("asin", [v], v), .init("asinh", [v], v),
            .init("atan", [v], v), .init("atanh", [v], v), .init("avg_over_time", [m], v),
            .init("ceil", [v], v), .init("changes", [m], v), .init("clamp", [v, s, s], v),
            .init("clamp_max", [v, s], v), .init("clamp_min", [v, s], v), .init("cos", [v], v), .init("cosh", [v], v),
            .init("count_over_time", [m], v), .init("days_in_month", [v], v, variadic: 1),
            .init("day_of_month", [v], v, variadic: 1), .init("day_of_week", [v], v, variadic: 1),
            .init("day_of_year", [v], v, variadic: 1), .init("deg", [v], v), .init("delta", [m], v),
            .init("deriv", [m], v), .init("exp", [v], v), .init("floor", [v], v),
            .init("histogram_avg", [v], v), .init("histogram_count", [v], v), .init("histogram_sum", [v], v),
            .init("histogram_stddev", [v], v), .init("histogram_stdvar", [v], v),
            .init("histogram_fraction", [s, s, v], v), .init("histogram_quantile", [s, v], v),
            .init("histogram_quantiles", [v, str, s], v, variadic: -1, experimental: true),
            .init("double_exponential_smoothing", [m, s, s], v, experimental: true),
            .init("hour", [v], v, variadic: 1), .init("idelta", [m], v), .init("increase", [m], v),
            .init("info", [v, v], v, variadic: 1, experimental: true), .init("irate", [m], v),
            .init("label_replace", [v, str, str, str, str], v), .init("label_join", [v, str, str, str], v, variadic: -1),
            .init("last_over_time", [m], v), .init("first_over_time", [m], v, experimental: true),
            .init("ln", [v], v), .init("log10", [v], v), .init("log2", [v], v),
            .init("mad_over_time", [m], v, experimental: true), .init("max_over_time", [m], v),
            .init("min_over_time", [m], v), .init("minute", [v], v, variadic: 1), .init("month", [v], v, variadic: 1),
            .init("pi", [], s), .init("predict_linear", [m, s], v), .init("present_over_time", [m], v),
            .init("quantile_over_time", [s, m], v), .init("rad", [v], v), .init("rate", [m], v),
            .init("resets", [m], v), .init("round", [v, s], v, variadic: 1), .init("scalar", [v], s),
            .init("sgn", [v], v), .init("sin", [v], v), .init("sinh", [v], v), .init("sort", [v], v),
            .init("sort_desc", [v], v), .init("sort_by_label", [v, str], v, variadic: -1, experimental: true),
            .init("sort_by_label_desc", [v, str], v, variadic: -1, experimental: true),
            .init("sqrt", [v], v), .init("start_timestamp", [v], v, experimental: true),
            .init("stddev_over_time", [m], v), .init("stdvar_over_time", [m], v), .init("sum_over_time", [m], v),
            .init("tan", [v], v), .init("tanh", [v], v), .init("time", [], s), .init("timestamp", [v], v),
            .init("ts_of_first_over_time", [m], v, experimental: true), .init("ts_of_last_over_time", [m], v, experimental: true),
            .init("ts_of_max_over_time", [m], v, experimental: true), .init("ts_of_min_over_time", [m], v, experimental: true),
            .init("vector", [s], v), .init("year", [v], v, variadic: 1),
            // The evaluation window as scalars, and scalar min/max (Prometheus 3, experimental).
            .init("start", [], s, experimental: true), .init("end", [], s, experimental: true),
            .init("step", [], s, experimental: true), .init("range", [], s, experimental: true),
            .init("min_of", [s, s], s, experimental: true), .init("max_of", [s, s], s, experimental: true),
        ]
        all.sort { $0.name < $1.name }
        return Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })
    }()
}
