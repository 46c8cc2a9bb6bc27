// Tollgate — the parts of today's server: storage, scraping, queries, rules, import.

import AlertDispatch
import HTTPAPI
import Logging
import Model
import PromQL
import Rules
import Scrape
import ServiceLifecycle
import TSDB
import TollgateConfig

/// The store: compaction and retention in the background, and the configuration's
/// `storage` section (the out-of-order window).
struct StoragePart: ServerPart {
    let tsdb: TSDB
    let housekeeping: Housekeeping
    var name: String { "storage" }
    var services: [any Service] { [housekeeping] }

    func prepare(_ config: TollgateConfig) async throws -> ReloadStep? {
        let tsdb = tsdb, window = config.storage.outOfOrderTimeWindow.milliseconds
        return ReloadStep { tsdb.setOutOfOrderTimeWindow(window) }
    }
}

/// Scraping: the scrape manager's loops, the targets API, and every configuration's jobs.
struct ScrapePart: ServerPart {
    let manager: ScrapeManager
    var name: String { "scrape" }
    var services: [any Service] { [manager] }
    var routes: [any RouteRegistrar] { [TargetRoutes(source: manager)] }

    func prepare(_ config: TollgateConfig) async throws -> ReloadStep? {
        let manager = manager
        return ReloadStep { await manager.apply(config) }
    }
}

/// Backfill through the running server: `POST /api/v1/import/openmetrics`, an admin
/// endpoint, off unless `--web.enable-admin-api`.
struct ImportPart: ServerPart {
    let importer: StoreImporter
    let enabled: Bool
    let maxBodyBytes: Int
    var name: String { "import" }
    var routes: [any RouteRegistrar] {
        [ImportRoutes(importer: importer, enabled: enabled, maxBodyBytes: maxBodyBytes, logger: Logger(label: "tollgate.import"))]
    }
}

/// The Prometheus query API.
struct QueryPart: ServerPart {
    let api: QueryAPI
    var name: String { "query" }
    var routes: [any RouteRegistrar] { [QueryRoutes(api: api)] }
}

/// Rules and alerts: the rule manager's groups, the rules and alerts API, every
/// configuration's rule files, and the Alertmanagers alerts are pushed to.
struct RulesPart: ServerPart {
    let manager: RuleManager
    let dispatcher: AlertDispatcher
    /// Everything the groups need but the external labels, which come with each configuration.
    let environment: RuleEnvironment
    let parserOptions: ParserOptions
    var name: String { "rules" }
    var services: [any Service] { [manager, dispatcher] }
    var routes: [any RouteRegistrar] {
        let dispatcher = dispatcher
        return [RuleRoutes(source: manager) { await dispatcher.alertmanagerURLs }]
    }

    /// Loads every rule file of `config` (all must be good) before anything changes.
    func prepare(_ config: TollgateConfig) async throws -> ReloadStep? {
        let groups = try Self.loader(config, parserOptions: parserOptions, templates: environment.templates).load(patterns: config.ruleFiles)
        var environment = environment
        environment.externalLabels = config.global.externalLabels
        let manager = manager, dispatcher = dispatcher, applied = environment
        return ReloadStep {
            await dispatcher.apply(config.alerting, externalLabels: config.global.externalLabels)
            await manager.apply(groups, environment: applied)
        }
    }

    /// The loader of `config`'s rule files, the one `check config` uses too.
    static func loader(_ config: TollgateConfig, parserOptions: ParserOptions, templates: any AlertTemplates) -> RuleLoader {
        RuleLoader(
            evaluationInterval: config.global.evaluationInterval, queryOffset: config.global.ruleQueryOffset, parserOptions: parserOptions,
            templates: templates)
    }
}
