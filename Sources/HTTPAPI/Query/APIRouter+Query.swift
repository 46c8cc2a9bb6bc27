// Tollgate — HTTPAPI: the routes of the Prometheus query API.

public import Hummingbird
import Model
import PromQL
import PromQLEngine

/// The endpoints answered from a ``QueryAPI``, each by GET and, where Prometheus allows it, POST.
public struct QueryRoutes: RouteRegistrar {
    let api: QueryAPI

    /// Routes answering from `api`.
    public init(api: QueryAPI) { self.api = api }

    public func addRoutes(to router: some RouterMethods<BasicRequestContext>) {
        let api = api
        typealias Handler = @Sendable (QueryAPI, APIForm, String) async -> APIResult
        let both: [HTTPRequest.Method] = [.get, .post]
        let routes: [(String, [HTTPRequest.Method], Handler)] = [
            ("/api/v1/query", both, { api, form, _ in await api.instantQuery(form) }),
            ("/api/v1/query_range", both, { api, form, path in await api.rangeQuery(form, path: path) }),
            ("/api/v1/query_exemplars", both, { api, form, _ in api.exemplars(form) }),
            ("/api/v1/format_query", both, { api, form, _ in api.formatQuery(form) }),
            ("/api/v1/parse_query", both, { api, form, _ in api.parseQuery(form) }),
            ("/api/v1/series", both, { api, form, _ in await api.series(form) }),
            ("/api/v1/labels", both, { api, form, _ in await api.labelNames(form) }),
            ("/api/v1/metadata", [.get], { api, form, _ in await api.metricMetadata(form) }),
            ("/api/v1/status/buildinfo", [.get], { api, _, _ in StatusAPI.buildInfo(api.status) }),
            ("/api/v1/status/config", [.get], { api, _, _ in await StatusAPI.config(api.status) }),
            ("/api/v1/status/flags", [.get], { api, _, _ in StatusAPI.flags(api.status) }),
            ("/api/v1/status/runtimeinfo", [.get], { api, _, _ in await StatusAPI.runtimeInfo(api.status, now: api.clock.now()) }),
            ("/api/v1/status/tsdb", [.get], { api, form, _ in await StatusAPI.tsdb(api.storage, form: form) }),
        ]
        for (path, methods, handler) in routes {
            for method in methods {
                router.on(RouterPath(path), method: method) { request, _ in
                    await api.respond(to: request, path: path) { form in await handler(api, form, path) }
                }
            }
        }
        router.get("/api/v1/label/:name/values") { request, context in
            let name = context.parameters.get("name") ?? ""
            return await api.respond(to: request, path: "/api/v1/label/:name/values") { form in await api.labelValues(form, name: name) }
        }
    }
}

extension QueryAPI {
    /// Reads the form (URL query plus a URL-encoded POST body, within the body limit), runs
    /// `handler`, and renders its result, gzip-compressed when the client accepts it.
    ///
    /// A body over the limit gets Prometheus's error (`error parsing form values: http: POST
    /// too large`) with 413; Prometheus answers it with 400.
    func respond(to request: Request, path: String, _ handler: (APIForm) async -> APIResult) async -> Response {
        let gzip = Self.acceptsGzip(request.headers[.acceptEncoding])
        var body: [UInt8] = []
        if request.method == .post, Self.isForm(request.headers[.contentType]) {
            switch await formLimit.read(request) {
            case .success(let bytes): body = bytes
            case .failure:
                return APIResult.refused(.badData, "error parsing form values: http: POST too large", status: .contentTooLarge).response(gzip: gzip)
            }
        }
        let result = await handler(APIForm(query: request.uri.query, body: body))
        return result.response(gzip: gzip)
    }

    /// Whether the content type is `application/x-www-form-urlencoded`, parameters aside.
    static func isForm(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let media = contentType.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
        return media.trimmingSpaces.lowercased() == "application/x-www-form-urlencoded"
    }

    /// Whether `Accept-Encoding` lists `gzip` (with no `q=0`).
    static func acceptsGzip(_ header: String?) -> Bool {
        guard let header else { return false }
        for item in header.split(separator: ",") {
            let parts = item.split(separator: ";").map { String($0).trimmingSpaces.lowercased() }
            guard parts.first == "gzip" || parts.first == "x-gzip" else { continue }
            return !parts.dropFirst().contains { $0 == "q=0" || $0 == "q=0.0" || $0 == "q=0.00" || $0 == "q=0.000" }
        }
        return false
    }

    /// `/api/v1/query_exemplars`: Tollgate keeps no exemplars; the query is still checked.
    func exemplars(_ form: APIForm) -> APIResult {
        do {
            _ = try parseExpr(form.value("query"), options: engine.options.parser)
        } catch {
            return .error(.badData, error.description)
        }
        return .success(Array("[]".utf8))
    }

    /// `/api/v1/format_query?query=…`: the query as Prometheus's printer writes it.
    func formatQuery(_ form: APIForm) -> APIResult {
        do {
            let expr = try parseExpr(form.value("query"), options: engine.options.parser)
            var json = JSONWriter()
            json.string(expr.description)
            return .success(json.bytes)
        } catch {
            return .error(.badData, "invalid parameter \"query\": \(error.description)")
        }
    }

    /// `/api/v1/parse_query?query=…`: the syntax tree as JSON, in Prometheus 3.x's shape.
    func parseQuery(_ form: APIForm) -> APIResult {
        do {
            let expr = try parseExpr(form.value("query"), options: engine.options.parser)
            var json = JSONWriter()
            json.ast(expr)
            return .success(json.bytes)
        } catch {
            return .error(.badData, "invalid parameter \"query\": \(error.description)")
        }
    }
}

extension String {
    /// Without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        var view = Substring(self)
        while let first = view.first, first == " " || first == "\t" { view = view.dropFirst() }
        while let last = view.last, last == " " || last == "\t" { view = view.dropLast() }
        return String(view)
    }
}
