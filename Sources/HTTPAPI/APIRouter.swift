// Tollgate — HTTPAPI: routes.

public import Hummingbird
public import Scrape

/// Builds Tollgate's HTTP router.
///
/// ```swift
/// let router = APIRouter.build(metrics: source, readiness: readiness)
/// let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 9090)))
/// ```
public enum APIRouter {
    /// The content type of `/metrics`.
    public static let textFormatContentType = "text/plain; version=0.0.4; charset=utf-8"

    /// Creates the router with every endpoint Tollgate serves.
    /// - Parameters:
    ///   - metrics: the source of Tollgate's own metrics.
    ///   - readiness: whether startup has finished.
    ///   - scrape: the scrape manager, for the targets API.
    ///   - reloader: what `POST /-/reload` calls.
    ///   - query: the engine and storage behind `/api/v1/query`, `series`, `labels`, `status/*`, …;
    ///     nil leaves those endpoints out.
    /// - Returns: a router for a Hummingbird `Application`.
    public static func build(
        metrics: some SelfMetricsSource,
        readiness: ReadinessState,
        scrape: ScrapeManager? = nil,
        reloader: (any ConfigReloader)? = nil,
        query: QueryAPI? = nil
    ) -> Router<BasicRequestContext> {
        let router = Router()
        router.middlewares.add(MetricsMiddleware())

        router.get("/metrics") { _, _ -> Response in
            let body = await metrics.exposition()
            return Response(
                status: .ok,
                headers: [.contentType: textFormatContentType],
                body: .init(byteBuffer: ByteBuffer(bytes: body))
            )
        }
        for method in [HTTPRequest.Method.get, .head] {
            router.on("/-/healthy", method: method) { _, _ in
                plain(.ok, "Tollgate is Healthy.\n")
            }
            router.on("/-/ready", method: method) { _, _ in
                readiness.isReady ? plain(.ok, "Tollgate is Ready.\n") : plain(.serviceUnavailable, "Service Unavailable\n")
            }
        }
        if let scrape { addTargetRoutes(router, scrape) }
        if let query { addQueryRoutes(router, query) }
        if let reloader {
            for method in [HTTPRequest.Method.post, .put] {
                router.on("/-/reload", method: method) { _, _ in
                    do {
                        try await reloader.reload()
                        return plain(.ok, "")
                    } catch {
                        return plain(.internalServerError, "failed to reload config: \(error)\n")
                    }
                }
            }
        }
        return router
    }

    private static func addTargetRoutes(_ router: Router<BasicRequestContext>, _ scrape: ScrapeManager) {
        router.get("/api/v1/targets") { request, _ in
            let query = request.uri.queryParameters
            return await TargetsAPI.targets(scrape, state: query["state"].map(String.init), pool: query["scrapePool"].map(String.init)).response
        }
        router.get("/api/v1/targets/metadata") { request, _ in
            let query = request.uri.queryParameters
            return await TargetsAPI.metadata(
                scrape, matchTarget: query["match_target"].map(String.init), metric: query["metric"].map(String.init),
                limit: query["limit"].map(String.init)
            ).response
        }
        router.get("/api/v1/scrape_pools") { _, _ in
            await TargetsAPI.scrapePools(scrape).response
        }
    }

    private static func plain(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(
            status: status,
            headers: [.contentType: "text/plain; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: text))
        )
    }
}
