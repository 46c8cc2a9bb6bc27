// Tollgate — `serve`'s query-engine and query-API flags, named as Prometheus names them.

import ArgumentParser
import Foundation
import HTTPAPI
import Logging
import Model
import PromQL
import PromQLEngine
import Scrape
import Storage
import TSDB
import TollgateConfig

/// The `--query.*` flags and the API's request limits.
struct QueryFlags: ParsableArguments {
    @Option(name: .customLong("query.timeout"), help: ArgumentHelp("Longest a query may run before it is aborted (a Prometheus duration).", valueName: "DURATION"))
    var timeout = "2m"

    @Option(
        name: .customLong("query.max-samples"),
        help: ArgumentHelp("Most samples one query may hold in memory at once; a query that needs more fails with an execution error.", valueName: "N")
    )
    var maxSamples = 50_000_000

    @Option(
        name: .customLong("query.lookback-delta"),
        help: ArgumentHelp("How far back an instant selector looks for the latest sample (a Prometheus duration).", valueName: "DURATION")
    )
    var lookbackDelta = "5m"

    @Option(name: .customLong("query.max-concurrency"), help: ArgumentHelp("Most queries evaluated at once; more wait their turn.", valueName: "N"))
    var maxConcurrency = 20

    @Option(
        name: .customLong("query.max-queued"),
        help: ArgumentHelp(
            "Most API queries waiting for one of the --query.max-concurrency slots (default 100: five dashboards of twenty panels loading at once still wait their turn, while a client flooding the server is told at once, not after --query.timeout); one more is refused with 503 errorType unavailable. 0 refuses whenever every slot is busy. Rule and guard evaluations always wait.",
            valueName: "N"))
    var maxQueued = 100

    @Option(
        name: .customLong("query.max-points-per-series"),
        help: ArgumentHelp("Most points a range query may return per series; wider queries are refused (Prometheus: 11000).", valueName: "N")
    )
    var maxPointsPerSeries = 11_000

    @Option(
        name: .customLong("web.max-form-size"),
        help: ArgumentHelp("Largest form body a POST to the query API may send (e.g. 10MB); larger ones are refused.", valueName: "SIZE")
    )
    var maxFormSize = "10MB"

    func validate() throws {
        guard let timeout = PromDuration(parsing: timeout), timeout.milliseconds > 0 else {
            throw ValidationError("--query.timeout: invalid duration \"\(timeout)\"; expected e.g. 2m, 30s")
        }
        guard let lookback = PromDuration(parsing: lookbackDelta), lookback.milliseconds > 0 else {
            throw ValidationError("--query.lookback-delta: invalid duration \"\(lookbackDelta)\"; expected e.g. 5m")
        }
        guard maxSamples > 0 else { throw ValidationError("--query.max-samples: must be positive") }
        guard maxConcurrency > 0 else { throw ValidationError("--query.max-concurrency: must be positive") }
        guard maxQueued >= 0 else { throw ValidationError("--query.max-queued: must be 0 or more") }
        guard maxPointsPerSeries > 0 else { throw ValidationError("--query.max-points-per-series: must be positive") }
        guard let size = ByteSize(parsing: maxFormSize), size.bytes > 0 else {
            throw ValidationError("--web.max-form-size: invalid size \"\(maxFormSize)\"; expected e.g. 10MB")
        }
    }

    /// The engine's settings.
    var engineOptions: EngineOptions {
        var options = EngineOptions()
        options.timeout = .milliseconds(PromDuration(parsing: timeout)?.milliseconds ?? 120_000)
        options.maxSamples = maxSamples
        options.lookbackDelta = PromDuration(parsing: lookbackDelta)?.milliseconds ?? 300_000
        options.maxConcurrentQueries = maxConcurrency
        return options
    }

    /// The API's request limits.
    var limits: QueryAPI.Limits {
        var limits = QueryAPI.Limits()
        limits.maxPointsPerSeries = maxPointsPerSeries
        limits.maxQueuedQueries = maxQueued
        limits.maxBodyBytes = Int(ByteSize(parsing: maxFormSize)?.bytes ?? 10 << 20)
        return limits
    }

    /// The flags as `/api/v1/status/flags` lists them.
    var flagValues: [String: String] {
        [
            "query.timeout": timeout, "query.max-samples": String(maxSamples), "query.lookback-delta": lookbackDelta,
            "query.max-concurrency": String(maxConcurrency), "query.max-queued": String(maxQueued), "query.max-points-per-series": String(maxPointsPerSeries),
            "web.max-form-size": maxFormSize,
        ]
    }

    /// The engine over `tsdb` with these flags and the parser switches `--enable-feature` set;
    /// the query API and the rules share it, as in Prometheus.
    func engine(tsdb: TSDB, parser: ParserOptions) -> Engine {
        var options = engineOptions
        options.parser = parser
        return Engine(queryable: tsdb, options: options)
    }

    /// The query API over `engine` and `tsdb`, with the running configuration from `configStatus` and metadata from `scrape`.
    func queryAPI(
        engine: Engine, tsdb: TSDB, scrape: ScrapeManager, configStatus: ConfigStatus, otherFlags: [String: String], retention: String
    ) -> QueryAPI {
        let status = StatusInfo(
            build: .init(version: BuildInfo.version, branch: "", goVersion: "swift"),
            flags: flagValues.merging(otherFlags) { a, _ in a },
            config: { configStatus.runningText },
            reload: { configStatus.reloadState },
            storageRetention: retention
        )
        return QueryAPI(
            engine: engine, queryable: tsdb, metadata: scrape, storage: tsdb, status: status, limits: limits,
            logger: Logger(label: "tollgate.api"))
    }
}
