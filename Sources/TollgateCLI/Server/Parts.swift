// Tollgate — the parts of today's server: storage, scraping, queries, and the empty
// alerting answers (replaced by the rules part once rules are evaluated).

import HTTPAPI
import Logging
import Rules
import Scrape
import ServiceLifecycle
import TSDB
import TollgateConfig

/// The store: compaction and retention in the background.
struct StoragePart: ServerPart {
    let housekeeping: Housekeeping
    var name: String { "storage" }
    var services: [any Service] { [housekeeping] }
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

/// `/api/v1/rules`, `/api/v1/alerts` and `/api/v1/alertmanagers` answered empty.
struct EmptyAlertingPart: ServerPart {
    var name: String { "alerting" }
    var routes: [any RouteRegistrar] { [RuleRoutes(source: NoRuleGroups())] }

    struct NoRuleGroups: RuleSource {
        func snapshots() async -> [RuleGroupSnapshot] { [] }
    }
}
