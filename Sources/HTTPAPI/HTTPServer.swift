// Tollgate — HTTPAPI: the HTTP server as a service of the server's ServiceGroup.

public import Logging
public import ServiceLifecycle
import Hummingbird
import HummingbirdCore

/// Serves the routes of every part over HTTP until graceful shutdown; ready once listening.
///
/// The server's parts never see Hummingbird: they hand over route registrars, and this
/// service builds the router and runs the application.
public struct HTTPServer: Service {
    let host: String
    let port: Int
    let prefix: String
    let routes: [any RouteRegistrar]
    let readiness: ReadinessState
    let logger: Logger
    let security: WebSecurity?
    let onListening: @Sendable (_ port: Int) async -> Void

    /// A server on `host:port` (port 0 picks a free one) answering `routes` under `prefix`.
    /// - Parameters:
    ///   - prefix: the path every route is served under (`--web.route-prefix`), or "".
    ///   - readiness: set once the server listens, and cleared when it stops.
    ///   - security: the web configuration (`--web.config.file`): TLS, basic auth, headers; nil for none.
    ///   - onListening: called once listening, with the port actually bound.
    public init(
        host: String, port: Int, prefix: String = "", routes: [any RouteRegistrar], readiness: ReadinessState, logger: Logger,
        security: WebSecurity? = nil, onListening: @escaping @Sendable (_ port: Int) async -> Void = { _ in }
    ) {
        self.host = host
        self.port = port
        self.prefix = prefix
        self.routes = routes
        self.readiness = readiness
        self.logger = logger
        self.security = security
        self.onListening = onListening
    }

    /// Runs until graceful shutdown.
    public func run() async throws {
        let readiness = readiness, logger = logger, onListening = onListening, port = port
        var server = HTTPServerBuilder.http1()
        if let security, security.servesTLS {
            server = HTTPServerBuilder { responder in ReloadingTLSChannel(base: HTTP1Channel(responder: responder), security: security) }
        }
        logger.info("TLS is \(security?.servesTLS == true ? "enabled" : "disabled").", metadata: ["http2": "false"])
        let app = Application(
            router: APIRouter.build(routes, prefix: prefix, security: security),
            server: server,
            configuration: .init(address: .hostname(host, port: port), serverName: "Tollgate"),
            onServerRunning: { channel in
                readiness.set(true)
                let bound = channel.localAddress?.port ?? port
                logger.info("listening", metadata: ["address": "\(channel.localAddress.map { "\($0)" } ?? "\(bound)")", "port": "\(bound)"])
                await onListening(bound)
            },
            logger: logger
        )
        defer { readiness.set(false) }
        do {
            try await app.run()
        } catch {
            // A bind failure names the address, in the user's words.
            guard !readiness.isStarted else { throw error }
            let reason = "\(error)".contains("Address already in use") ? "the address is already in use (another server on this port?)" : "\(error)"
            throw HTTPServerError(description: "cannot listen on \(host):\(port): \(reason)")
        }
    }
}

/// Why the HTTP server could not start.
public struct HTTPServerError: Error, CustomStringConvertible {
    /// The address and the reason.
    public let description: String
}
