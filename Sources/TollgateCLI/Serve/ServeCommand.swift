// Tollgate — `tollgate serve`.

import ArgumentParser
import CoreMetrics
import CurlHTTP
import HTTPAPI
import Logging
import Model
import Probe
import Prometheus
import RemoteWrite
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
            --config.file takes a prometheus.yml-style file (global, scrape_configs); without it \
            Tollgate runs its embedded default: data under ./data, listening on 127.0.0.1:9090, \
            scraping its own /metrics every 15s. Samples live in DIR/tollgate.db (SQLite); a \
            background task compacts them and applies the retention limits every minute \
            (--storage.tsdb.housekeeping-interval). /-/ready answers 503 with the reason while \
            the store cannot write (a full disk). Endpoints: /metrics (Tollgate's own metrics), /-/healthy, /-/ready, /api/v1/targets, \
            /api/v1/targets/metadata, /api/v1/scrape_pools, and Prometheus's query API: \
            /api/v1/query, query_range, series, labels, label/NAME/values, metadata, format_query, \
            parse_query, status/buildinfo|config|flags|runtimeinfo|tsdb; with --web.enable-admin-api, \
            POST /api/v1/import/openmetrics (backfill) and /api/v1/admin/tsdb/delete_series, \
            clean_tombstones and snapshot; GET /federate; with \
            --web.enable-remote-write-receiver, POST /api/v1/write; remote_write entries send every \
            stored sample (docs/scale-out.md). The web UI is at /ui/; /probe answers as \
            blackbox_exporter. --web.config.file adds TLS, basic auth and headers from Prometheus's \
            web configuration file (docs/security.md). SIGHUP re-reads the file \
            (a bad file keeps the running one), as POST /-/reload does with --web.enable-lifecycle; \
            SIGTERM, SIGINT or POST /-/quit shut down gracefully. Prometheus's flag names are \
            taken as they are, so a systemd unit written for Prometheus works by changing the \
            binary; flags that tune what Tollgate does not have (the web console, WAL tuning) are \
            dropped with a warning, and flags for features it lacks are refused in one error.
            """
    )

    @Option(
        name: [.customLong("config.file"), .customLong("config")],
        help: ArgumentHelp("The configuration file (tollgate.yml, prometheus.yml form); --config is the same.", valueName: "FILE"))
    var config: String?

    @Option(
        name: [.customLong("storage.tsdb.path"), .customLong("data-dir")],
        help: ArgumentHelp("Where Tollgate keeps its data; created if missing, locked while running; --data-dir is the same.", valueName: "DIR"))
    var dataDir = "./data"

    @Option(
        name: .customLong("web.listen-address"),
        help: ArgumentHelp("Address to listen on for the API, /metrics and health checks; port 0 picks a free port.", valueName: "HOST:PORT")
    )
    var listenAddress = "127.0.0.1:9090"

    @Option(
        name: [.customLong("storage.tsdb.retention.time"), .customLong("storage.retention.time")],
        help: ArgumentHelp("How long to keep samples (a Prometheus duration, e.g. 15d, 12h); 0 keeps them all.", valueName: "DURATION")
    )
    var retentionTime = "15d"

    @Option(
        name: [.customLong("storage.tsdb.retention.size"), .customLong("storage.retention.size")],
        help: ArgumentHelp("The most sample data to keep (e.g. 512MB, 10GB); the oldest goes first; 0 means no limit.", valueName: "SIZE")
    )
    var retentionSize = "0"

    @Option(
        name: .customLong("storage.remote.log-retention"),
        help: ArgumentHelp(
            "How long the store keeps log records a remote_write queue has not sent (a receiver outage up to this long loses nothing); older ones are dropped with a warning.",
            valueName: "DURATION")
    )
    var remoteLogRetention = "2h"

    @OptionGroup(title: "Storage tuning")
    var storage: StorageFlags

    @OptionGroup(title: "Queries")
    var query: QueryFlags

    @OptionGroup(title: "Rules and alerts")
    var rules: RuleFlags

    @OptionGroup(title: "Health probes")
    var probes: ProbeFlags

    @OptionGroup(title: "Request limits")
    var limits: LimitFlags

    @OptionGroup(title: "Web UI")
    var ui: UIFlags

    @OptionGroup(title: "CloudWatch")
    var cloudwatch: CloudWatchFlags

    @Option(
        name: .customLong("enable-feature"),
        help: ArgumentHelp(
            "Switch on features by Prometheus's names, comma-separated, repeatable: promql-experimental-functions, promql-duration-expr, promql-extended-range-selectors, promql-binop-fill-modifiers. Other Prometheus feature names are accepted and change nothing; unknown names are warned about.",
            valueName: "NAME[,NAME…]")
    )
    var enableFeature: [String] = []

    @Flag(
        name: .customLong("web.enable-admin-api"),
        help:
            "Enable the admin endpoints: /api/v1/admin/tsdb/{delete_series,clean_tombstones,snapshot} and POST /api/v1/import/openmetrics (backfill through this server, as `tollgate import openmetrics --url` does)."
    )
    var enableAdminAPI = false

    @Option(
        name: .customLong("web.config.file"),
        help: ArgumentHelp(
            "Prometheus's web configuration file: TLS, basic auth users (bcrypt), response headers; re-read when it changes (docs/security.md).",
            valueName: "FILE"))
    var webConfigFile: String?

    @Option(
        name: .customLong("web.max-import-size"),
        help: ArgumentHelp("Largest body POST /api/v1/import/openmetrics accepts, before and after decompression (e.g. 32MB).", valueName: "SIZE")
    )
    var maxImportSize = "32MB"

    @Flag(
        name: .customLong("web.enable-remote-write-receiver"),
        help: "Accept remote write 1.0 (Prometheus, vmagent, another Tollgate) at POST /api/v1/write (docs/scale-out.md)."
    )
    var enableRemoteWriteReceiver = false

    @Option(
        name: .customLong("web.max-remote-write-size"),
        help: ArgumentHelp("Largest body POST /api/v1/write accepts, compressed and decompressed (e.g. 32MB).", valueName: "SIZE")
    )
    var maxRemoteWriteSize = "32MB"

    @Option(name: .customLong("log.level"), help: ArgumentHelp("Log level: trace, debug, info, notice, warning, error or critical.", valueName: "LEVEL"))
    var logLevel = "info"

    @Option(name: .customLong("log.format"), help: ArgumentHelp("Log line format: logfmt or json, one event per line.", valueName: "FORMAT"))
    var logFormat = "logfmt"

    @Flag(
        name: .customLong("web.enable-lifecycle"),
        help: "Answer POST /-/reload and POST /-/quit (off by default, as in Prometheus; SIGHUP reloads either way).")
    var enableLifecycle = false

    @Option(
        name: .customLong("web.external-url"),
        help: ArgumentHelp("The URL users reach Tollgate under (behind a proxy); its path is the default --web.route-prefix.", valueName: "URL"))
    var externalURL: String?

    @Option(
        name: .customLong("web.route-prefix"),
        help: ArgumentHelp("Serve every endpoint under this path (default: the path of --web.external-url, else /).", valueName: "PATH"))
    var routePrefix: String?

    func validate() throws {
        do {
            _ = try ListenAddress(parsing: listenAddress)
        } catch {
            throw ValidationError("--web.listen-address: \(error)")
        }
        guard PromDuration(parsing: retentionTime) != nil else {
            throw ValidationError("--storage.retention.time: invalid duration \"\(retentionTime)\"; expected e.g. 15d, 12h")
        }
        guard let logRetention = PromDuration(parsing: remoteLogRetention), logRetention.milliseconds > 0 else {
            throw ValidationError("--storage.remote.log-retention: invalid duration \"\(remoteLogRetention)\"; expected e.g. 2h, 30m")
        }
        guard ByteSize(parsing: retentionSize) != nil else {
            throw ValidationError("--storage.retention.size: invalid size \"\(retentionSize)\"; expected e.g. 512MB, 10GB")
        }
        guard let importSize = ByteSize(parsing: maxImportSize), importSize.bytes > 0 else {
            throw ValidationError("--web.max-import-size: invalid size \"\(maxImportSize)\"; expected e.g. 32MB")
        }
        guard let remoteWriteSize = ByteSize(parsing: maxRemoteWriteSize), remoteWriteSize.bytes > 0 else {
            throw ValidationError("--web.max-remote-write-size: invalid size \"\(maxRemoteWriteSize)\"; expected e.g. 32MB")
        }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log.level: unknown level \"\(logLevel)\"") }
        guard LogFormat(rawValue: logFormat) != nil else { throw ValidationError("--log.format: unknown format \"\(logFormat)\"; expected logfmt or json") }
        if let externalURL {
            guard let url = URLComponents(string: externalURL), url.scheme == "http" || url.scheme == "https", url.host?.isEmpty == false else {
                throw ValidationError("--web.external-url: \"\(externalURL)\" is not an absolute http or https URL")
            }
        }
    }

    func run() async throws {
        MemoryAllocator.configure()
        let logger = Logger(label: "tollgate")
        let registry = PrometheusCollectorRegistry()
        let summaries = SummaryStore()
        MetricsSystem.bootstrap(SelfMetricsFactory(registry: registry, summaries: summaries))

        let address = try ListenAddress(parsing: listenAddress)
        let features = FeatureFlags(enableFeature)
        for name in features.unknown { logger.warning("Unknown option for --enable-feature", metadata: ["option": "\(name)"]) }
        for name in features.withoutEffect { logger.info("feature accepted; it changes nothing in Tollgate", metadata: ["option": "\(name)"]) }
        let loaded: (config: TollgateConfig, text: String)?
        let dataLock: DataDirectoryLock
        do {
            loaded = try config.map { try ServerSettings.loadWithText(path: $0) }
            dataLock = try DataDirectoryLock(path: dataDir, mode: .exclusive, command: "tollgate serve")
        } catch {
            logger.critical("cannot start", metadata: ["error": "\(error)"])
            throw ExitCode(1)
        }
        defer { dataLock.release() }
        let security: WebSecurity?
        do {
            security = try webConfigFile.map { path throws(ConfigError) in try WebSecurity(path: path, logger: Logger(label: "tollgate.web")) }
        } catch {
            logger.critical("cannot read the web configuration", metadata: ["error": "\(error)"])
            throw ExitCode(1)
        }
        let settings = loaded?.config
        let configStatus = ConfigStatus(text: loaded?.text, loaded: Date())
        let tsdb: TSDB
        do {
            var options = TSDB.Options()
            options.logRetention = PromDuration(parsing: remoteLogRetention)?.milliseconds ?? options.logRetention
            storage.apply(to: &options)
            tsdb = try await TSDB.open(directory: dataDir, logger: Logger(label: "tollgate.tsdb"), options: options)
        } catch {
            logger.critical("cannot open storage", metadata: ["error": "\(error)"])
            throw ExitCode(1)
        }
        logger.info(
            "starting Tollgate",
            metadata: [
                "version": "\(BuildInfo.version)", "config": "\(settings?.source ?? "<embedded default>")", "data_dir": "\(dataDir)",
            ])
        // Every writer appends to the store; the remote_write queues read its log.
        let remote: RemoteStorage
        do {
            remote = try RemoteStorage(log: tsdb, logger: Logger(label: "tollgate.remote-write"))
        } catch {
            logger.critical("cannot start the remote write client", metadata: ["error": "\(error)"])
            throw ExitCode(1)
        }
        let storage = tsdb
        var scrapeOptions = ScrapeManager.Options()
        scrapeOptions.userAgent = "Tollgate/\(BuildInfo.version)"
        let scrape: ScrapeManager
        do {
            scrape = try ScrapeManager(storage: storage, logger: Logger(label: "tollgate.scrape"), options: scrapeOptions)
        } catch {
            logger.critical("cannot start the HTTP client", metadata: ["error": "\(error)"])
            throw ExitCode(1)
        }

        remote.setMetadataSource {
            await scrape.metricMetadata(metric: nil).map { RemoteMetadata(family: $0.metric, type: $0.type, help: $0.help, unit: $0.unit) }
        }

        // The parts of the server; a new part is one more line here.
        var server = Server()
        server.add(StoragePart(tsdb: tsdb, housekeeping: housekeeping(tsdb)))
        // Before the writers: its queues exist before the first scrape, and it stops after the last.
        server.add(RemoteStoragePart(storage: remote))
        server.add(ScrapePart(manager: scrape))
        let engine = query.engine(tsdb: tsdb, parser: features.parserOptions)
        server.add(QueryPart(api: query.queryAPI(engine: engine, tsdb: tsdb, scrape: scrape, configStatus: configStatus, otherFlags: flagValues(features), retention: retentionTime)))
        let rulesPart: RulesPart
        do {
            rulesPart = try self.rulesPart(engine: engine, tsdb: tsdb, appendable: storage, address: address, parser: features.parserOptions)
        } catch {
            logger.critical("cannot start the alert dispatcher", metadata: ["error": "\(error)"])
            throw ExitCode(1)
        }
        server.add(rulesPart)
        do {
            server.add(try await notifierPart(settings: settings, dispatcher: rulesPart.dispatcher, externalURL: ruleExternalURL(address)))
        } catch {
            logger.critical("cannot start the notifier", metadata: ["error": "\(error)"])
            throw ExitCode(1)
        }
        let guards = guardsPart(engine: engine, rules: rulesPart.manager, parser: features.parserOptions)
        server.add(guards)
        do {
            server.add(try await rolloutsPart(guards: guards, engine: engine, rules: rulesPart))
        } catch {
            logger.critical("cannot open the rollouts store", metadata: ["error": "\(error)"])
            throw ExitCode(1)
        }
        let remoteWriteSize = Int(ByteSize(parsing: maxRemoteWriteSize)?.bytes ?? 32 << 20)
        server.add(
            RemoteWriteReceiverPart(
                receiver: RemoteWriteReceiver(storage: storage, maxDecodedBytes: remoteWriteSize), enabled: enableRemoteWriteReceiver,
                maxBodyBytes: remoteWriteSize))
        server.add(FederationPart(queryable: tsdb, lookbackMilliseconds: PromDuration(parsing: query.lookbackDelta)?.milliseconds ?? 300_000))
        do {
            var options = ProbeHandler.Options()
            options.timeoutOffset = probes.timeoutOffset
            options.maxConcurrent = probes.maxConcurrent
            options.userAgent = "Tollgate/\(BuildInfo.version)"
            let handler = ProbeHandler(modules: try probes.modules(settings), client: try HTTPClient(), options: options, logger: Logger(label: "tollgate.probe"))
            server.add(ProbePart(handler: handler, flags: probes))
        } catch {
            logger.critical("cannot start the probes", metadata: ["error": "\(error)"])
            throw ExitCode(1)
        }
        do {
            server.add(try cloudwatch.part(storage: storage))
        } catch {
            logger.critical("cannot start the CloudWatch client", metadata: ["error": "\(error)"])
            throw ExitCode(1)
        }
        server.add(ImportPart(importer: StoreImporter(storage: storage), enabled: enableAdminAPI, maxBodyBytes: Int(ByteSize(parsing: maxImportSize)?.bytes ?? 32 << 20)))
        server.add(AdminPart(admin: StoreAdmin(tsdb: tsdb, dataDirectory: dataDir), enabled: enableAdminAPI, maxBodyBytes: limits.requestBytes))
        server.add(UIPart(server: server, engine: engine, flags: ui, maxBodyBytes: limits.requestBytes))

        let reloader = ConfigReloadService(path: config, server: server, status: configStatus, logger: Logger(label: "tollgate.config"))
        do {
            if let settings { try await reloader.applyInitial(settings) }
        } catch {
            logger.critical("cannot start", metadata: ["error": "\(error)"])
            throw ExitCode(1)
        }
        let readiness = ReadinessState()
        readiness.addCheck { tsdb.writeFailure }
        let routes: [any RouteRegistrar] = [
            SelfMetricsRoutes(source: SelfMetrics(registry: registry, summaries: summaries, readiness: readiness)),
            HealthRoutes(readiness: readiness),
            LifecycleRoutes(reloader: reloader, enabled: enableLifecycle) { kill(getpid(), SIGTERM) },
        ] + server.routes
        let http = HTTPServer(host: address.host, port: address.port, prefix: prefix, routes: routes, readiness: readiness, logger: logger, security: security) { port in
            // A command refused the data directory names this address.
            dataLock.record(address: address.local(port: port))
            // The embedded default scrapes this server, on the port actually bound.
            if settings == nil { try? await reloader.applyInitial(.embeddedDefault(selfAddress: "\(address.host):\(port)")) }
        }
        let group = ServiceGroup(
            configuration: .init(
                services: (server.services + [reloader, http]).map { .init(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await group.run()
        do {
            try await tsdb.close()
        } catch {
            logger.warning("storage was not closed cleanly; the next start replays its log", metadata: ["error": "\(error)"])
        }
        logger.info("stopped")
    }

    /// Compaction and retention with the retention flags.
    private func housekeeping(_ tsdb: TSDB) -> Housekeeping {
        Housekeeping(
            tsdb: tsdb,
            settings: .init(
                retentionTime: PromDuration(parsing: retentionTime)?.milliseconds ?? 0,
                retentionSize: ByteSize(parsing: retentionSize)?.bytes ?? 0, interval: storage.interval),
            logger: Logger(label: "tollgate.tsdb"),
            clock: SystemClock()
        )
    }

    /// Where every endpoint is served: `--web.route-prefix`, else the path of
    /// `--web.external-url`, without a trailing slash ("" for the root).
    var prefix: String {
        let path = routePrefix ?? externalURL.flatMap { URLComponents(string: $0)?.path } ?? ""
        let trimmed = path.hasSuffix("/") ? String(path.dropLast()) : path
        return trimmed.isEmpty || trimmed.hasPrefix("/") ? trimmed : "/" + trimmed
    }

    /// The flags `/api/v1/status/flags` lists besides the query flags.
    private func flagValues(_ features: FeatureFlags) -> [String: String] {
        [
            "config.file": config ?? "", "storage.tsdb.path": dataDir, "web.listen-address": listenAddress,
            "storage.tsdb.retention.time": retentionTime, "storage.tsdb.retention.size": retentionSize, "log.level": logLevel,
            "storage.remote.log-retention": remoteLogRetention,
            "enable-feature": features.flagValue, "log.format": logFormat, "web.enable-lifecycle": String(enableLifecycle),
            "web.external-url": externalURL ?? "", "web.route-prefix": prefix.isEmpty ? "/" : prefix,
            "web.enable-admin-api": "\(enableAdminAPI)", "web.max-import-size": maxImportSize, "web.config.file": webConfigFile ?? "",
            "web.enable-remote-write-receiver": "\(enableRemoteWriteReceiver)", "web.max-remote-write-size": maxRemoteWriteSize,
        ].merging(rules.values) { a, _ in a }.merging(storage.values) { a, _ in a }.merging(probes.values) { a, _ in a }.merging(limits.values) { a, _ in a }
    }
}
