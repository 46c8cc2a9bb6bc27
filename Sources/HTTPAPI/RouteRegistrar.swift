// Tollgate — HTTPAPI: route registrars, one per part of the server.

public import Hummingbird

/// Adds one part's routes to the router, as a Hummingbird controller does.
///
/// Every registrar lives in this module (the only importer of Hummingbird) and answers
/// from a narrow source protocol, never from a concrete manager. The server collects the
/// registrars of its parts and hands them to ``HTTPServer``:
///
/// ```swift
/// let routes: [any RouteRegistrar] = [HealthRoutes(readiness: readiness), TargetRoutes(source: scrape)]
/// let server = HTTPServer(host: "127.0.0.1", port: 9090, routes: routes, readiness: readiness, logger: logger)
/// ```
public protocol RouteRegistrar: Sendable {
    /// Adds the routes.
    func addRoutes(to router: some RouterMethods<BasicRequestContext>)
}

/// `/-/healthy` and `/-/ready`, by GET and HEAD.
public struct HealthRoutes: RouteRegistrar {
    let readiness: ReadinessState

    /// Routes answering from `readiness`.
    public init(readiness: ReadinessState) { self.readiness = readiness }

    public func addRoutes(to router: some RouterMethods<BasicRequestContext>) {
        let readiness = readiness
        for method in [HTTPRequest.Method.get, .head] {
            router.on("/-/healthy", method: method) { _, _ in
                APIRouter.plain(.ok, "Tollgate is Healthy.\n")
            }
            router.on("/-/ready", method: method) { _, _ in
                guard readiness.isStarted else { return APIRouter.plain(.serviceUnavailable, "Service Unavailable\n") }
                if let reason = readiness.notReadyReason { return APIRouter.plain(.serviceUnavailable, "Service Unavailable: \(reason)\n") }
                return APIRouter.plain(.ok, "Tollgate is Ready.\n")
            }
        }
    }
}

/// `/metrics`: Tollgate's own metrics in the text format.
public struct SelfMetricsRoutes: RouteRegistrar {
    let source: any SelfMetricsSource

    /// Routes answering from `source`.
    public init(source: any SelfMetricsSource) { self.source = source }

    public func addRoutes(to router: some RouterMethods<BasicRequestContext>) {
        let source = source
        router.get("/metrics") { _, _ -> Response in
            let body = await source.exposition()
            return Response(
                status: .ok,
                headers: [.contentType: APIRouter.textFormatContentType],
                body: .init(byteBuffer: ByteBuffer(bytes: body))
            )
        }
    }
}

/// `POST` (and `PUT`) `/-/reload` and `/-/quit`, answered only with `--web.enable-lifecycle`,
/// as Prometheus does (403 "Lifecycle API is not enabled." otherwise).
public struct LifecycleRoutes: RouteRegistrar {
    let reloader: any ConfigReloader
    let enabled: Bool
    let quit: @Sendable () -> Void

    /// Routes calling `reloader` and `quit` (which starts a graceful shutdown) when `enabled`.
    public init(reloader: any ConfigReloader, enabled: Bool, quit: @escaping @Sendable () -> Void) {
        self.reloader = reloader
        self.enabled = enabled
        self.quit = quit
    }

    public func addRoutes(to router: some RouterMethods<BasicRequestContext>) {
        let reloader = reloader, enabled = enabled, quit = quit
        for method in [HTTPRequest.Method.post, .put] {
            router.on("/-/reload", method: method) { _, _ in
                guard enabled else { return APIRouter.plain(.forbidden, "Lifecycle API is not enabled.\n") }
                do {
                    try await reloader.reload()
                    return APIRouter.plain(.ok, "")
                } catch {
                    return APIRouter.plain(.internalServerError, "failed to reload config: \(error)\n")
                }
            }
            router.on("/-/quit", method: method) { _, _ in
                guard enabled else { return APIRouter.plain(.forbidden, "Lifecycle API is not enabled.\n") }
                quit()
                return APIRouter.plain(.ok, "Requesting termination... Goodbye!\n")
            }
        }
    }
}
