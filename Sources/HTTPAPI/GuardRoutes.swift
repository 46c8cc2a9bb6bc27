// Tollgate — HTTPAPI: `/api/v1/guards` and the stateless decision endpoint for pipelines.

public import Hummingbird
public import Model

/// What a guard source answers to a decision request.
public enum GuardAnswer: Sendable, Equatable {
    /// The decision, its evidence already written as a JSON object (the answer's `data`).
    case decided(_ data: [UInt8])
    /// No guard of that name is loaded.
    case unknownGuard
    /// Nothing could be decided (the server is not ready, say), with why.
    case unavailable(_ message: String)
}

/// What the guards API reads: the server's guards part, or anything that knows guards.
///
/// It speaks JSON bytes and plain values so that this module needs neither the guards'
/// types nor their evaluator.
public protocol GuardSource: Sendable {
    /// The loaded guards and plans as a JSON object: `{"guards":[…],"plans":[…]}`.
    func guardsJSON() async -> [UInt8]
    /// Evaluates guard `name` for the given service and versions at `time` (milliseconds).
    /// - Parameters:
    ///   - name: the guard's name.
    ///   - service: `$service`.
    ///   - version: `$version`, the canary.
    ///   - baseline: `$baseline`, or nil.
    ///   - time: the evaluation time.
    func decide(guard name: String, service: String, version: String, baseline: String?, at time: Int64) async -> GuardAnswer
}

/// `GET /api/v1/guards` (the loaded guards and plans) and
/// `GET /api/v1/guards/{name}/decision?service=S&version=V[&baseline=B][&time=T]`,
/// in Prometheus's envelope: 200 with the decision as `data` (whatever the decision: the
/// answer is the decision, `$.data.decision`, as Argo Rollouts' web metric reads it),
/// 400 `bad_data` for a missing or bad parameter, 404 `not_found` for an unknown guard,
/// 503 `unavailable` only when nothing can be decided.
public struct GuardRoutes: RouteRegistrar {
    let source: any GuardSource
    let now: @Sendable () -> Int64

    /// Routes answering from `source`; `now` is the evaluation time when a request gives none.
    public init(source: any GuardSource, now: @escaping @Sendable () -> Int64 = { SystemClock().now() }) {
        self.source = source
        self.now = now
    }

    public func addRoutes(to router: some RouterMethods<BasicRequestContext>) {
        let source = source, now = now
        router.get("/api/v1/guards") { _, _ in
            APIResult.success(await source.guardsJSON()).response
        }
        router.get("/api/v1/guards/{name}/decision") { request, context in
            let name = context.parameters.get("name") ?? ""
            let form = APIForm(query: request.uri.query, body: [])
            return await GuardsAPI.decision(source, name: name, form: form, now: now()).response
        }
    }
}

/// The decision endpoint's parameters and answers.
enum GuardsAPI {
    static func decision(_ source: any GuardSource, name: String, form: APIForm, now: Int64) async -> APIResult {
        let service = form.value("service"), version = form.value("version"), baseline = form.value("baseline")
        var missing: [String] = []
        if service.isEmpty { missing.append("service") }
        if version.isEmpty { missing.append("version") }
        guard missing.isEmpty else {
            return .error(.badData, "missing parameter\(missing.count > 1 ? "s" : "") \(missing.map { "'\($0)'" }.joined(separator: " and "))")
        }
        let time: Int64
        do {
            time = try APIParameters.time(form, "time", default: now)
        } catch {
            return .error(.badData, error.message)
        }
        switch await source.decide(guard: name, service: service, version: version, baseline: baseline.isEmpty ? nil : baseline, at: time) {
        case .decided(let data): return .success(data)
        case .unknownGuard: return .error(.notFound, "guard \"\(name)\" not found")
        case .unavailable(let message): return .error(.unavailable, message)
        }
    }
}
