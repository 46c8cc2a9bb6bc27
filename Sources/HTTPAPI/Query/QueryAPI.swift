// Tollgate — HTTPAPI: what the Prometheus query API is served from.

import Foundation
public import Logging
public import Model
public import PromQLEngine
public import Storage

/// Everything `/api/v1/query`, `query_range`, `series`, `labels`, `metadata` and
/// `status/*` answer from: an engine, the storage it reads, and optional sources of
/// metadata and status. The HTTP layer depends on this struct and these protocols only.
///
/// ```swift
/// let api = QueryAPI(engine: Engine(queryable: tsdb), queryable: tsdb, storage: tsdb)
/// let router = APIRouter.build([QueryRoutes(api: api), HealthRoutes(readiness: readiness)])
/// ```
public struct QueryAPI: Sendable {
    /// Request limits, each enforced with a counted, logged rejection.
    public struct Limits: Sendable {
        /// The largest form body a POST may send (Go's `ParseForm` allows 10 MiB).
        public var maxBodyBytes = 10 << 20
        /// The most points a range query may return per series (Prometheus: 11,000).
        public var maxPointsPerSeries = 11_000
        /// The most API queries that may wait for a slot when all of the engine's
        /// `maxConcurrentQueries` are busy; one more is refused at once with 503
        /// (Prometheus has no such limit: its queries wait until their timeout).
        public var maxQueuedQueries = 100

        /// Prometheus's limits.
        public init() {}
    }

    /// Evaluates queries.
    public var engine: Engine
    /// Answers series and label queries.
    public var queryable: any Queryable
    /// Metric metadata for `/api/v1/metadata`; nil answers an empty object.
    public var metadata: (any MetricMetadataSource)?
    /// Head statistics and cardinality for `/api/v1/status/tsdb`; nil answers zeros.
    public var storage: (any StorageStatusSource)?
    /// Build, flags, configuration and runtime facts for `/api/v1/status/*`.
    public var status: StatusInfo
    /// Request limits.
    public var limits: Limits
    /// Where rejections are logged.
    public var logger: Logger {
        didSet { rejections = Rejections(logger: logger) }
    }
    /// Counts refusals and logs them once per cause.
    var rejections: Rejections
    /// The wall clock whose time is the default of `time`.
    public var clock: any MillisecondClock

    /// Creates the query API.
    /// - Parameters:
    ///   - engine: the PromQL engine.
    ///   - queryable: the storage the engine reads, for series and label queries.
    ///   - metadata: the source of metric metadata, usually the scrape manager.
    ///   - storage: the source of storage statistics, usually the TSDB.
    ///   - status: build and runtime facts.
    ///   - limits: request limits.
    ///   - logger: where rejected requests are logged.
    ///   - clock: the wall clock whose time is the default of `time`.
    public init(
        engine: Engine,
        queryable: any Queryable,
        metadata: (any MetricMetadataSource)? = nil,
        storage: (any StorageStatusSource)? = nil,
        status: StatusInfo = StatusInfo(),
        limits: Limits = Limits(),
        logger: Logger = Logger(label: "tollgate.api"),
        clock: any MillisecondClock = SystemClock()
    ) {
        self.engine = engine
        EngineMetrics.register(maxConcurrentQueries: engine.options.maxConcurrentQueries)
        self.queryable = queryable
        self.metadata = metadata
        self.storage = storage
        self.status = status
        self.limits = limits
        self.logger = logger
        self.rejections = Rejections(logger: logger)
        self.clock = clock
    }

    /// Counts and logs a request refused by a limit.
    func reject(_ reason: String, _ message: String, path: String) {
        rejections.reject(reason, message, path: path)
    }

    /// The limit on a POST's form body (`--web.max-form-size`).
    var formLimit: BodyLimit {
        BodyLimit(maxBytes: limits.maxBodyBytes, reason: "max_form_bytes", flag: "--web.max-form-size", rejections: rejections)
    }
}

/// Metric metadata (`# TYPE`, `# HELP`, `# UNIT`) as scraped, for `/api/v1/metadata`.
public protocol MetricMetadataSource: Sendable {
    /// The metadata of every scraped metric family, or only of `metric`; one entry per target.
    func metricMetadata(metric: String?) async -> [MetricMetadata]
}

/// One family's metadata as one target exposed it.
public struct MetricMetadata: Sendable, Hashable {
    /// The family name.
    public var metric: String
    /// `counter`, `gauge`, `histogram`, `summary`, …, `unknown`.
    public var type: String
    /// The HELP text.
    public var help: String
    /// The OpenMetrics unit.
    public var unit: String

    /// Creates an entry.
    public init(metric: String, type: String, help: String, unit: String) {
        self.metric = metric
        self.type = type
        self.help = help
        self.unit = unit
    }
}
