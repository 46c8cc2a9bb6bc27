// Tollgate — HTTPAPI: the router.

public import Hummingbird

/// Builds Tollgate's HTTP router from the route registrars of the server's parts.
///
/// ```swift
/// let router = APIRouter.build([HealthRoutes(readiness: readiness), SelfMetricsRoutes(source: metrics)])
/// let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 9090)))
/// ```
public enum APIRouter {
    /// The content type of `/metrics`.
    public static let textFormatContentType = "text/plain; version=0.0.4; charset=utf-8"

    /// Creates the router: request metrics, then every registrar's routes in order.
    /// - Parameters:
    ///   - registrars: the routes of each part of the server.
    ///   - prefix: a path every route is served under (`--web.route-prefix`), or "".
    ///   - security: the web configuration's basic auth and headers, applied to every request; nil for none.
    /// - Returns: a router for a Hummingbird `Application`.
    public static func build(_ registrars: [any RouteRegistrar], prefix: String = "", security: WebSecurity? = nil) -> Router<BasicRequestContext> {
        let router = Router()
        router.middlewares.add(RequestMetricsMiddleware())
        if let security { router.middlewares.add(WebAccessMiddleware(security: security, prefix: prefix)) }
        func add(to target: some RouterMethods<BasicRequestContext>) {
            for registrar in registrars { registrar.addRoutes(to: target) }
        }
        if prefix.isEmpty { add(to: router) } else { add(to: router.group(RouterPath(prefix))) }
        return router
    }

    /// A plain-text answer.
    static func plain(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(
            status: status,
            headers: [.contentType: "text/plain; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: text))
        )
    }
}
