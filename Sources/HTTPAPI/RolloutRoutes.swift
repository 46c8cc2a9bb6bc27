// Tollgate — HTTPAPI: the stored rollouts API, Flagger's webhooks and the DORA figures.

public import Hummingbird
public import Logging
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
    /// 429 `unavailable`: a limit refused the request (too many rollouts in progress); `reason`
    /// is its label in `tollgate_http_api_rejected_requests_total`.
    case limited(reason: String, _ message: String)
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
/// in Prometheus's envelope; bodies over `--web.max-request-size` are refused with 413, and
/// a rollout past `--rollouts.max-active` with 429; both are counted and logged.
public struct RolloutRoutes: RouteRegistrar {
    let source: any RolloutSource
    let limit: BodyLimit

    /// Routes answering from `source`.
    /// - Parameters:
    ///   - maxBodyBytes: the largest body read (`--web.max-request-size`).
    ///   - logger: where refused requests are logged.
    public init(source: any RolloutSource, maxBodyBytes: Int = 1 << 20, logger: Logger = Logger(label: "tollgate.rollouts")) {
        self.source = source
        limit = BodyLimit(maxBytes: maxBodyBytes, reason: "max_request_bytes", flag: "--web.max-request-size", rejections: Rejections(logger: logger))
    }

    public func addRoutes(to router: some RouterMethods<BasicRequestContext>) {
        let routes = self, source = source
        router.get("/api/v1/rollouts") { _, _ in Self.response(await source.listRollouts()) }
        router.post("/api/v1/rollouts") { request, _ in
            await routes.withBody(request) { await routes.response(source.createRollout($0), path: "/api/v1/rollouts") }
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
            let id = context.parameters.get("id") ?? ""
            return await routes.withBody(request) { Self.response(await source.finishRollout(id: id, body: $0)) }
        }
        for hook in ["gate", "rollback"] {
            router.post(RouterPath("/api/v1/flagger/\(hook)")) { request, _ in
                await routes.withBody(request) { Self.response(await source.flagger(hook: hook, body: $0)) }
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

    /// Reads the body within the limit and hands it over; 413 when it is over.
    private func withBody(_ request: Request, _ handle: ([UInt8]) async -> Response) async -> Response {
        switch await limit.read(request) {
        case .success(let body): return await handle(body)
        case .failure(let refusal): return APIResult.refused(.badData, refusal.message, status: .contentTooLarge).response
        }
    }

    /// The response of `answer`, a refusal by a limit counted and logged.
    private func response(_ answer: RolloutAnswer, path: String) -> Response {
        if case .limited(let reason, let message) = answer { limit.rejections.reject(reason, message, path: path) }
        return Self.response(answer)
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
        case .limited(_, let message): return APIResult.refused(.unavailable, message, status: .tooManyRequests).response
        }
    }
}
