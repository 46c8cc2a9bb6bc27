// Tollgate — PromQL engine: the values a query returns.

public import Model
import PromQL

/// One float point of a series.
public struct FloatPoint: Sendable, Equatable {
    /// Milliseconds since the epoch.
    public var t: Int64
    public var v: Double
    public init(t: Int64, v: Double) {
        self.t = t
        self.v = v
    }
    public static func == (a: Self, b: Self) -> Bool { a.t == b.t && a.v.bitPattern == b.v.bitPattern }
}

/// One element of an instant vector.
public struct VectorSample: Sendable, Equatable {
    public var labels: Labels
    public var t: Int64
    public var v: Double
    /// Set when `__name__` is to be removed at the end of evaluation (delayed name removal).
    public var dropName: Bool
    public init(labels: Labels, t: Int64, v: Double, dropName: Bool = false) {
        self.labels = labels
        self.t = t
        self.v = v
        self.dropName = dropName
    }
}

/// One series of a range vector (matrix).
public struct RangeSeries: Sendable, Equatable {
    public var labels: Labels
    public var points: [FloatPoint]
    public var dropName: Bool
    public init(labels: Labels, points: [FloatPoint], dropName: Bool = false) {
        self.labels = labels
        self.points = points
        self.dropName = dropName
    }
}

/// The result of a query: one of PromQL's four value types.
public enum QueryValue: Sendable, Equatable {
    case scalar(t: Int64, v: Double)
    case string(t: Int64, String)
    case vector([VectorSample])
    case matrix([RangeSeries])

    /// The type name the HTTP API reports as `resultType`.
    public var resultType: String {
        switch self {
        case .scalar: "scalar"
        case .string: "string"
        case .vector: "vector"
        case .matrix: "matrix"
        }
    }
}

/// Warnings and infos collected while a query ran, each `PromQL warning: … (line:col)`,
/// de-duplicated on the text without the position as Prometheus does.
public struct Annotations: Sendable, Equatable {
    public private(set) var warnings: [String] = []
    public private(set) var infos: [String] = []
    private var seen: Set<String> = []
    public init() {}

    mutating func add(_ annotation: Annotation, query: String) {
        guard seen.insert(annotation.message).inserted else { return }
        let text = annotation.message + " " + annotation.position.lineColumn(in: query)
        if annotation.isWarning { warnings.append(text) } else { infos.append(text) }
    }
}

/// What a query returned, with its annotations.
public struct QueryResult: Sendable {
    /// The result.
    public var value: QueryValue
    /// Warnings and infos.
    public var annotations: Annotations
    /// Where the time went.
    public var timings = QueryTimings()
}

/// How long each stage of a query took, as Prometheus's `prometheus_engine_query_duration_seconds`
/// slices it.
public struct QueryTimings: Sendable, Equatable {
    /// Waiting for a slot under the concurrency limit (`queue_time`).
    public var queue: Duration = .zero
    /// Reading the selected series from storage (`prepare_time`).
    public var prepare: Duration = .zero
    /// Evaluating the expression (`inner_eval`).
    public var innerEval: Duration = .zero
    /// Cleaning up and ordering the result (`result_sort`).
    public var resultSort: Duration = .zero

    /// No time spent.
    public init() {}
}

/// Why a query failed, in Prometheus's error classes (which pick the HTTP status).
public struct QueryError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// The query does not parse or is invalid (HTTP 400).
        case badData = "bad_data"
        /// Evaluation failed (HTTP 422).
        case execution
        /// The query timed out (HTTP 503).
        case timeout
        /// The query was cancelled (HTTP 503).
        case canceled
        /// Storage failed (HTTP 500).
        case `internal`
        /// The query was refused before it ran: too many queries already wait for a slot
        /// (the API answers 503).
        case unavailable
    }
    public var kind: Kind
    public var message: String
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }
    public var description: String { message }
}
