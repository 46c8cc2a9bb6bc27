// Tollgate — HTTPAPI: Prometheus's TSDB admin API (delete_series, clean_tombstones, snapshot).

public import Model
public import Hummingbird
public import Logging

/// What the admin endpoints act on: the server's store.
public protocol TSDBAdminSource: Sendable {
    /// Deletes the samples in `[start, end]` (ms) of every series one of `selectors` selects.
    func deleteSeries(_ selectors: [[LabelMatcher]], start: Int64, end: Int64) async throws
    /// Writes a copy of the store into a new folder under the data directory's `snapshots`.
    /// - Parameter skipHead: Prometheus leaves the head's samples out; Tollgate's copy is of
    ///   the whole file, which holds the head too, so it is accepted and changes nothing.
    /// - Returns: the new folder's name (`20240102T030405Z-0123456789abcdef`).
    func snapshot(skipHead: Bool) async throws -> String
}

/// `POST`/`PUT /api/v1/admin/tsdb/delete_series`, `clean_tombstones` and `snapshot`, as
/// Prometheus answers them: 204 No Content for the first two, `{"name":…}` for a snapshot,
/// and with the admin API off (no `--web.enable-admin-api`) 500 `admin APIs disabled`
/// (Prometheus's status: its `unavailable` error type falls to the default). Other methods
/// get 405, as from Prometheus's router.
///
/// Deletion is immediate (no tombstones), so `clean_tombstones` has nothing left to do.
public struct AdminRoutes: RouteRegistrar {
    let source: any TSDBAdminSource
    let enabled: Bool
    let logger: Logger
    /// The form body's limit (match[] selectors): `--web.max-request-size`.
    let limit: BodyLimit

    /// Routes acting on `source` when `enabled`.
    /// - Parameters:
    ///   - maxBodyBytes: the largest form body read (`--web.max-request-size`); a larger one is refused with 413.
    ///   - logger: where failures and refused requests are logged.
    public init(source: any TSDBAdminSource, enabled: Bool, maxBodyBytes: Int = 1 << 20, logger: Logger) {
        self.source = source
        self.enabled = enabled
        self.logger = logger
        limit = BodyLimit(maxBytes: maxBodyBytes, reason: "max_request_bytes", flag: "--web.max-request-size", rejections: Rejections(logger: logger))
    }

    public func addRoutes(to router: some RouterMethods<BasicRequestContext>) {
        let routes = self
        let paths = ["/api/v1/admin/tsdb/delete_series", "/api/v1/admin/tsdb/clean_tombstones", "/api/v1/admin/tsdb/snapshot"]
        for method in [HTTPRequest.Method.post, .put] {
            router.on(RouterPath(paths[0]), method: method) { request, _ in await routes.respond(request) { try await routes.delete($0) } }
            router.on(RouterPath(paths[1]), method: method) { request, _ in await routes.respond(request) { _ in nil } }
            router.on(RouterPath(paths[2]), method: method) { request, _ in await routes.respond(request) { try await routes.snapshot($0) } }
        }
        for path in paths {
            for method in [HTTPRequest.Method.get, .head, .delete, .patch] {
                router.on(RouterPath(path), method: method) { _, _ in APIRouter.plain(.methodNotAllowed, "Method Not Allowed\n") }
            }
        }
    }

    /// Reads the form, runs `action`, and answers: 204 when it returns nil, else its result.
    private func respond(_ request: Request, _ action: (APIForm) async throws -> APIResult?) async -> Response {
        guard enabled else { return APIResult.error(.unavailable, "admin APIs disabled").response }
        var body: [UInt8] = []
        if QueryAPI.isForm(request.headers[.contentType]) {
            switch await limit.read(request) {
            case .success(let bytes): body = bytes
            case .failure(let refusal): return APIResult.refused(.badData, "error parsing form values: \(refusal.message)", status: .contentTooLarge).response
            }
        }
        do {
            guard let result = try await action(APIForm(query: request.uri.query, body: body)) else { return Response(status: .noContent) }
            return result.response
        } catch let invalid as InvalidParameter {
            return invalid.result.response
        } catch {
            logger.error("admin API request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            return APIResult.error(.internal, "\(error)").response
        }
    }

    private func delete(_ form: APIForm) async throws -> APIResult? {
        let selectors = form.all("match[]")
        guard !selectors.isEmpty else { return .error(.badData, "no match[] parameter provided") }
        let start = try parameter("start") { () throws(ParameterError) in try APIParameters.time(form, "start", default: APIParameters.minTime) }
        let end = try parameter("end") { () throws(ParameterError) in try APIParameters.time(form, "end", default: APIParameters.maxTime) }
        // Prometheus 2.42 takes `{}` (no matcher) and deletes nothing with it.
        let given = selectors.filter { $0.filter { !$0.isWhitespace } != "{}" }
        let sets = try parameter("match[]") { () throws(ParameterError) in try QueryAPI.matcherSets(given) }
        try await source.deleteSeries(sets, start: start, end: end)
        logger.info("series deleted through the admin API", metadata: ["match": "\(selectors)", "start": "\(start)", "end": "\(end)"])
        return nil
    }

    private func snapshot(_ form: APIForm) async throws -> APIResult? {
        let text = form.value("skip_head")
        var skipHead = false
        if !text.isEmpty {
            guard let value = Self.goBool(text) else {
                return .error(.badData, "invalid parameter \"skip_head\": unable to parse boolean: strconv.ParseBool: parsing \"\(text)\": invalid syntax")
            }
            skipHead = value
        }
        let name = try await source.snapshot(skipHead: skipHead)
        logger.info("snapshot written", metadata: ["name": "\(name)"])
        var json = JSONWriter()
        json.object { json in
            json.key("name")
            json.string(name)
        }
        return .success(json.bytes)
    }

    /// Go's `strconv.ParseBool`.
    static func goBool(_ text: String) -> Bool? {
        switch text {
        case "1", "t", "T", "TRUE", "true", "True": true
        case "0", "f", "F", "FALSE", "false", "False": false
        default: nil
        }
    }
}
