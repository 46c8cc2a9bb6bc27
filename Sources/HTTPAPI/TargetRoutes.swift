// Tollgate — HTTPAPI: the targets API's routes and the source they read.

public import Hummingbird
public import Model
public import Scrape

/// What the targets API reads: the scrape manager, or anything that knows targets.
public protocol TargetSource: Sendable {
    /// Active targets, job by job, optionally of one job.
    func activeTargets(pool: String?) async -> [ActiveTarget]
    /// Targets relabeling dropped, optionally of one job.
    func droppedTargets(pool: String?) async -> [DroppedTarget]
    /// Per job, how many targets were dropped.
    func droppedTargetCounts() async -> [String: Int]
    /// The metadata of the targets `matchers` select, optionally of one metric, at most `limit` entries.
    func targetMetadata(matching matchers: [LabelMatcher], metric: String?, limit: Int?) async -> [TargetMetadata]
    /// The job names, in configuration order.
    var scrapePools: [String] { get async }
}

extension ScrapeManager: TargetSource {}

/// `/api/v1/targets`, `/api/v1/targets/metadata` and `/api/v1/scrape_pools`.
public struct TargetRoutes: RouteRegistrar {
    let source: any TargetSource

    /// Routes answering from `source`.
    public init(source: any TargetSource) { self.source = source }

    public func addRoutes(to router: some RouterMethods<BasicRequestContext>) {
        let source = source
        router.get("/api/v1/targets") { request, _ in
            let query = request.uri.queryParameters
            return await TargetsAPI.targets(source, state: query["state"].map(String.init), pool: query["scrapePool"].map(String.init)).response
        }
        router.get("/api/v1/targets/metadata") { request, _ in
            let query = request.uri.queryParameters
            return await TargetsAPI.metadata(
                source, matchTarget: query["match_target"].map(String.init), metric: query["metric"].map(String.init),
                limit: query["limit"].map(String.init)
            ).response
        }
        router.get("/api/v1/scrape_pools") { _, _ in
            await TargetsAPI.scrapePools(source).response
        }
    }
}
