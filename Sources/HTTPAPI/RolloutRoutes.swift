// Tollgate — HTTPAPI: the stored rollouts API, Flagger's webhooks and the DORA figures.

public import Hummingbird
import Model

/// What a rollout source answers.
public enum RolloutAnswer: Sendable, Equatable {
    /// 200 with `data` (already JSON).
    case ok(_ data: [UInt8])
    /// 201 with `data`: a rollout was registered.
    case created(_ data: [UInt8])
    /// A Flagger webhook's answer: its status (200 or 403) with the decision as `data`.
    case status(_ code: Int, _ data: [UInt8])
    /// 400 `bad_data`, naming the field.
    case badData(_ message: String)
    /// 404 `not_found`.
    case notFound(_ message: String)
    /// 409 `conflict`, with the reason.
    case conflict(_ message: String)
    /// 503 `unavailable`.
    case unavailable(_ message: String)
}

/// What the rollouts API reads: the server's rollouts part. JSON bytes in and out, so this
/// module needs neither the rollouts' nor the guards' types.
public protocol RolloutSource: Sendable {
    /// `{"rollouts":[…]}`.
    func listRollouts() async -> RolloutAnswer
    /// Registers a rollout from a `POST /api/v1/rollouts` body.
    func createRollout(_ body: [UInt8]) async -> RolloutAnswer
    /// One rollout with its history.
    func rollout(id: String) async -> RolloutAnswer
    /// The decision for the rollout's current stage, at `time` (ms) or now.
    func rolloutDecision(id: String, at time: Int64?) async -> RolloutAnswer
    /// Moves the rollout to its next stage (409 unless its decision is go).
    func advanceRollout(id: String) async -> RolloutAnswer
    /// Promotes or rolls back the rollout from a `{"outcome"}` body.
    func finishRollout(id: String, body: [UInt8]) async -> RolloutAnswer
    /// Answers one of Flagger's webhooks (`gate` or `rollback`) from its body.
    func flagger(hook: String, body: [UInt8]) async -> RolloutAnswer
    /// The DORA figures over `window` milliseconds (nil: the configured window).
    func dora(window: Int64?) async -> RolloutAnswer
}

/// `GET|POST /api/v1/rollouts`, `GET /api/v1/rollouts/{id}`, `GET /api/v1/rollouts/{id}/decision`,
/// `POST /api/v1/rollouts/{id}/advance`, `POST /api/v1/rollouts/{id}/finish`,
/// `POST /api/v1/flagger/gate`, `POST /api/v1/flagger/rollback` and `GET /api/v1/dora?window=30d`,
/// in Prometheus's envelope; bodies over 1 MiB are refused with 413.
public struct RolloutRoutes: RouteRegistrar {
    let source: any RolloutSource
    static let maxBody = 1 << 20

    /// Routes answering from `source`.
    public init(source: any RolloutSource) { self.source = source }

    public func addRoutes(to router: some RouterMethods<BasicRequestContext>) {
        let source = source
        router.get("/api/v1/rollouts") { _, _ in Self.response(await source.listRollouts()) }
        router.post("/api/v1/rollouts") { request, _ in
            guard let body = await Self.body(request) else { return Self.tooLarge }
            return Self.response(await source.createRollout(body))
        }
        router.get("/api/v1/rollouts/{id}") { _, context in
            Self.response(await source.rollout(id: context.parameters.get("id") ?? ""))
        }
        router.get("/api/v1/rollouts/{id}/decision") { request, context in
            let form = APIForm(query: request.uri.query, body: [])
            var time: Int64?
            if !form.value("time").isEmpty {
                guard let parsed = Timestamp.parse(form.value("time")) else {
                    return APIResult.error(.badData, "invalid parameter 'time': cannot parse \"\(form.value("time").prefix(64))\" to a valid timestamp").response
                }
                time = parsed
            }
            return Self.response(await source.rolloutDecision(id: context.parameters.get("id") ?? "", at: time))
        }
        router.post("/api/v1/rollouts/{id}/advance") { _, context in
            Self.response(await source.advanceRollout(id: context.parameters.get("id") ?? ""))
        }
        router.post("/api/v1/rollouts/{id}/finish") { request, context in
            guard let body = await Self.body(request) else { return Self.tooLarge }
            return Self.response(await source.finishRollout(id: context.parameters.get("id") ?? "", body: body))
        }
        for hook in ["gate", "rollback"] {
            router.post(RouterPath("/api/v1/flagger/\(hook)")) { request, _ in
                guard let body = await Self.body(request) else { return Self.tooLarge }
                return Self.response(await source.flagger(hook: hook, body: body))
            }
        }
        router.get("/api/v1/dora") { request, _ in
            let text = APIForm(query: request.uri.query, body: []).value("window")
            var window: Int64?
            if !text.isEmpty {
                guard let duration = PromDuration(parsing: text), duration.milliseconds > 0 else {
                    return APIResult.error(.badData, "invalid parameter 'window': \"\(text.prefix(64))\" is not a positive duration (e.g. 30d)").response
                }
                window = duration.milliseconds
            }
            return Self.response(await source.dora(window: window))
        }
    }

    /// The body, or nil when it is over the limit.
    static func body(_ request: Request) async -> [UInt8]? {
        var request = request
        guard let buffer = try? await request.collectBody(upTo: maxBody) else { return nil }
        return Array(buffer.readableBytesView)
    }

    static var tooLarge: Response {
        var response = APIResult.error(.badData, "request body too large: the limit is \(maxBody) bytes").response
        response.status = .contentTooLarge
        return response
    }

    static func response(_ answer: RolloutAnswer) -> Response {
        switch answer {
        case .ok(let data): return APIResult.success(data).response
        case .created(let data):
            var response = APIResult.success(data).response
            response.status = .created
            return response
        case .status(let code, let data):
            var response = APIResult.success(data).response
            response.status = .init(code: code)
            return response
        case .badData(let message): return APIResult.error(.badData, message).response
        case .notFound(let message): return APIResult.error(.notFound, message).response
        case .conflict(let message): return APIResult.error(.conflict, message).response
        case .unavailable(let message): return APIResult.error(.unavailable, message).response
        }
    }
}
