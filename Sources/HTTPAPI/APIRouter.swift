// Tollgate — HTTPAPI: routes.

public import Hummingbird

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
    /// - Returns: a router for a Hummingbird `Application`.
    public static func build(
        metrics: some SelfMetricsSource,
        readiness: ReadinessState
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
        return router
    }

    private static func plain(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(
            status: status,
            headers: [.contentType: "text/plain; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: text))
        )
    }
}
