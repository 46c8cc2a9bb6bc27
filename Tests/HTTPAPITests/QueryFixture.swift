// Tollgate — a TSDB with a few series, a router over it, and helpers to ask it questions.

import Foundation
import HTTPAPI
import Hummingbird
import HummingbirdTesting
import Logging
import Model
import PromQLEngine
import Rules
import Storage
import TSDB
import TestSupport

/// 2023-11-14T22:13:20Z, in milliseconds.
let t0: Int64 = 1_700_000_000_000

/// Storage that fails every selection, for the `internal` error class.
struct FailingQueryable: Queryable {
    struct Broken: Error, CustomStringConvertible { var description: String { "disk on fire" } }
    func select(_ matchers: [LabelMatcher], minTime: Int64, maxTime: Int64) async throws -> [SeriesSamples] { throw Broken() }
    func labelNames(matching matchers: [LabelMatcher]) -> [String] { [] }
    func labelValues(_ name: String, matching matchers: [LabelMatcher]) -> [String] { [] }
}

/// Storage that takes ten seconds to answer (or until cancelled), for request timeouts.
struct SlowQueryable: Queryable {
    func select(_ matchers: [LabelMatcher], minTime: Int64, maxTime: Int64) async throws -> [SeriesSamples] {
        try await Task.sleep(for: .seconds(10))
        return []
    }
    func labelNames(matching matchers: [LabelMatcher]) -> [String] { [] }
    func labelValues(_ name: String, matching matchers: [LabelMatcher]) -> [String] { [] }
}

/// Fixed metadata, as a scrape manager would report it.
struct FixedMetadata: MetricMetadataSource {
    func metricMetadata(metric: String?) async -> [MetricMetadata] {
        let all = [
            MetricMetadata(metric: "up", type: "gauge", help: "Whether the target is up.", unit: ""),
            MetricMetadata(metric: "up", type: "gauge", help: "Whether the target is up.", unit: ""),
            MetricMetadata(metric: "http_requests_total", type: "counter", help: "Requests.", unit: ""),
        ]
        return all.filter { metric == nil || $0.metric == metric }
    }
}

enum QueryFixture {
    /// A store holding, every 15s over ten minutes from ``t0``:
    /// `up{instance="a:1",job="api"}` 1, `up{instance="b:1",job="db"}` 0, and
    /// `http_requests_total{code="200",job="api"}` rising by 3 a step.
    /// The store's directory comes from `scratch`, and goes with it.
    static func tsdb(in scratch: TemporaryDirectories) async throws -> TSDB {
        let db = try await TSDB.open(directory: try scratch.make("api").path, logger: Logger(label: "test"))
        var appender = db.appender()
        let upA = Labels(["__name__": "up", "job": "api", "instance": "a:1"])
        let upB = Labels(["__name__": "up", "job": "db", "instance": "b:1"])
        let requests = Labels(["__name__": "http_requests_total", "job": "api", "code": "200"])
        for step in 0...40 {
            let t = t0 + Int64(step) * 15_000
            appender.append(upA, t: t, v: 1)
            appender.append(upB, t: t, v: 0)
            appender.append(requests, t: t, v: Double(step * 3))
        }
        _ = try await appender.commit()
        return db
    }

    /// The query API over `queryable`, with the clock at ``t0`` + 10 minutes.
    static func api(
        _ queryable: any Queryable, options: EngineOptions = EngineOptions(), limits: QueryAPI.Limits = .init(), storage: (any StorageStatusSource)? = nil
    ) -> QueryAPI {
        QueryAPI(
            engine: Engine(queryable: queryable, options: options), queryable: queryable, metadata: FixedMetadata(), storage: storage,
            status: StatusInfo(build: .init(version: "0.1.0", revision: "abc", branch: "main", goVersion: "swift6.3"), flags: ["query.timeout": "2m"],
                config: { "global:\n  scrape_interval: 15s\n" }),
            limits: limits, clock: ManualClock(t0 + 600_000))
    }

    /// An application serving `api`.
    static func app(_ api: QueryAPI) -> some ApplicationProtocol {
        Application(router: APIRouter.build([SelfMetricsRoutes(source: CountingSource()), HealthRoutes(readiness: ReadinessState()), QueryRoutes(api: api), RuleRoutes(source: NoRules())]))
    }
}

/// A POST body as a form.
func form(_ text: String) -> (HTTPFields, ByteBuffer) {
    ([.contentType: "application/x-www-form-urlencoded"], ByteBuffer(string: text))
}

/// Parses a JSON body into Foundation objects, for structural checks.
func json(_ body: ByteBuffer) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: Data(String(buffer: body).utf8)) as? [String: Any] ?? [:]
}

/// A rule source with no groups.
struct NoRules: RuleSource {
    func snapshots() async -> [RuleGroupSnapshot] { [] }
}
