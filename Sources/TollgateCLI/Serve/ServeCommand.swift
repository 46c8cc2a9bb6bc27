// Tollgate — `tollgate serve`.

import ArgumentParser
import CoreMetrics
import HTTPAPI
import Hummingbird
import Logging
import Model
import Prometheus
import Scrape
import ServiceLifecycle
import TSDB
import Foundation
import TollgateConfig
import UnixSignals

/// Runs the server: every long-lived part is a service in one `ServiceGroup`,
/// shut down gracefully on SIGTERM or SIGINT.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the Tollgate server.",
        discussion: """
            --config takes a prometheus.yml-style file (global, scrape_configs); without it \
            Tollgate runs its embedded default: data under ./data, listening on 127.0.0.1:9090, \
            scraping its own /metrics every 15s. Samples live in DIR/tollgate.db (SQLite); a \
            background task compacts them and applies the retention limits every minute. \
            Endpoints: /metrics (Tollgate's own metrics), /-/healthy, /-/ready, /api/v1/targets, \
            /api/v1/targets/metadata, /api/v1/scrape_pools, POST /-/reload, and Prometheus's query \
            API: /api/v1/query, query_range, series, labels, label/NAME/values, metadata, \
            format_query, parse_query, status/buildinfo|config|flags|runtimeinfo|tsdb. SIGHUP or \
            POST /-/reload re-reads the file (a bad file keeps the running one). SIGTERM or \
            SIGINT shuts down gracefully.
            """
    )

    @Option(name: .customLong("config"), help: ArgumentHelp("The configuration file (tollgate.yml, prometheus.yml form).", valueName: "FILE"))
    var config: String?

    @Option(name: .customLong("data-dir"), help: ArgumentHelp("Where Tollgate keeps its data; created if missing, locked while running.", valueName: "DIR"))
    var dataDir = "./data"

    @Option(
        name: .customLong("web.listen-address"),
        help: ArgumentHelp("Address to listen on for the API, /metrics and health checks; port 0 picks a free port.", valueName: "HOST:PORT")
    )
    var listenAddress = "127.0.0.1:9090"

    @Option(
        name: .customLong("storage.retention.time"),
        help: ArgumentHelp("How long to keep samples (a Prometheus duration, e.g. 15d, 12h); 0 keeps them all.", valueName: "DURATION")
    )
    var retentionTime = "15d"

    @Option(
        name: .customLong("storage.retention.size"),
        help: ArgumentHelp("The most sample data to keep (e.g. 512MB, 10GB); the oldest goes first; 0 means no limit.", valueName: "SIZE")
    )
    var retentionSize = "0"

    @OptionGroup(title: "Queries")
    var query: QueryFlags

    @Option(name: .customLong("log.level"), help: ArgumentHelp("Log level: trace, debug, info, notice, warning, error or critical.", valueName: "LEVEL"))
    var logLevel = "info"

    func validate() throws {
        do {
            _ = try ListenAddress(parsing: listenAddress)
        } catch {
            throw ValidationError("--web.listen-address: \(error)")
        }
        guard PromDuration(parsing: retentionTime) != nil else {
            throw ValidationError("--storage.retention.time: invalid duration \"\(retentionTime)\"; expected e.g. 15d, 12h")
        }
        guard ByteSize(parsing: retentionSize) != nil else {
            throw ValidationError("--storage.retention.size: invalid size \"\(retentionSize)\"; expected e.g. 512MB, 10GB")
        }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log.level: unknown level \"\(logLevel)\"") }
    }

    func run() async throws {
        let logger = Logger(label: "tollgate")
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))

        let address = try ListenAddress(parsing: listenAddress)
        let settings: TollgateConfig?
        let dataLock: DataDirectoryLock
        do {
            settings = try config.map { try ServerSettings.load(path: $0) }
            dataLock = try DataDirectoryLock(path: dataDir)
        } catch {
            logger.critical("cannot start", metadata: ["error": "\(error)"])
            throw ExitCode(1)
        }
        defer { dataLock.release() }
        let tsdb: TSDB
        do {
            tsdb = try await TSDB.open(directory: dataDir, logger: Logger(label: "tollgate.tsdb"))
        } catch {
            logger.critical("cannot open storage", metadata: ["error": "\(error)"])
            throw ExitCode(1)
        }
        let housekeeping = Housekeeping(
            tsdb: tsdb,
            settings: .init(
                retentionTime: PromDuration(parsing: retentionTime)?.milliseconds ?? 0,
                retentionSize: ByteSize(parsing: retentionSize)?.bytes ?? 0),
            logger: Logger(label: "tollgate.tsdb"),
            clock: SystemClock()
        )
        logger.info(
            "starting Tollgate",
            metadata: [
                "version": "\(BuildInfo.version)", "config": "\(settings?.source ?? "<embedded default>")", "data_dir": "\(dataDir)",
            ])
        var scrapeOptions = ScrapeManager.Options()
        scrapeOptions.userAgent = "Tollgate/\(BuildInfo.version)"
        let scrape: ScrapeManager
        do {
            scrape = try ScrapeManager(storage: tsdb, logger: Logger(label: "tollgate.scrape"), options: scrapeOptions)
        } catch {
            logger.critical("cannot start the HTTP client", metadata: ["error": "\(error)"])
            throw ExitCode(1)
        }
        let reloader = ConfigReloadService(path: config, scrape: scrape, logger: Logger(label: "tollgate.config"))
        if let settings { await reloader.applyInitial(settings) }

        let readiness = ReadinessState()
        let metrics = SelfMetrics(registry: registry)
        let app = Application(
            router: APIRouter.build(
                metrics: metrics, readiness: readiness, scrape: scrape, reloader: reloader,
                query: query.queryAPI(
                    tsdb: tsdb, scrape: scrape, configPath: config,
                    otherFlags: [
                        "config.file": config ?? "", "storage.tsdb.path": dataDir, "web.listen-address": listenAddress,
                        "storage.tsdb.retention.time": retentionTime, "storage.tsdb.retention.size": retentionSize, "log.level": logLevel,
                    ],
                    retention: retentionTime)),
            configuration: .init(address: .hostname(address.host, port: address.port), serverName: "Tollgate"),
            onServerRunning: { channel in
                readiness.set(true)
                let bound = channel.localAddress.map { "\($0)" } ?? address.description
                let port = channel.localAddress?.port ?? address.port
                logger.info("listening", metadata: ["address": "\(bound)", "port": "\(port)"])
                if settings == nil {
                    // The embedded default scrapes this server, on the port actually bound.
                    await reloader.applyInitial(.embeddedDefault(selfAddress: "\(address.host):\(port)"))
                }
            },
            logger: logger
        )
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: housekeeping), .init(service: scrape), .init(service: reloader), .init(service: app)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await group.run()
        readiness.set(false)
        logger.info("stopped")
    }
}
