// Tollgate — HTTPAPI: blackbox_exporter's `/probe`.

import HTTPTypes
public import Hummingbird

/// What answers `/probe`: the probe modules and their probers (Probe's handler, in the server).
public protocol ProbeSource: Sendable {
    /// Runs the probe a request asks for.
    /// - Parameters:
    ///   - query: the decoded query items (`module`, `target`, `debug`, `hostname`).
    ///   - scrapeTimeout: Prometheus's `X-Prometheus-Scrape-Timeout-Seconds` header, if sent.
    /// - Returns: the status, content type and body to answer.
    func probe(query: [(String, String)], scrapeTimeout: String?) async -> APIReply
}

/// `GET /probe?module=M&target=T` (and POST, as blackbox_exporter takes both): a probe's
/// gauges in the text format, so a blackbox scrape job pointed at Tollgate works unchanged.
public struct ProbeRoutes: RouteRegistrar {
    let source: any ProbeSource

    /// The endpoint's path.
    public static let path = "/probe"

    private static let timeoutHeader = HTTPField.Name("X-Prometheus-Scrape-Timeout-Seconds")

    /// Routes probing through `source`.
    public init(source: any ProbeSource) { self.source = source }

    public func addRoutes(to router: some RouterMethods<BasicRequestContext>) {
        let source = source
        let handler: @Sendable (Request, BasicRequestContext) async -> Response = { request, _ in
            let timeout = Self.timeoutHeader.flatMap { request.headers[$0] }
            return AlertmanagerRoutes.response(await source.probe(query: AlertmanagerRoutes.queryItems(request.uri.query), scrapeTimeout: timeout))
        }
        router.get(RouterPath(Self.path), use: handler)
        router.post(RouterPath(Self.path), use: handler)
    }
}
