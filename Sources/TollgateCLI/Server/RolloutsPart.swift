// Tollgate — the stored rollouts part: the rollouts API, Flagger's webhooks, DORA, the watcher and the webhooks.

import Guards
import HTTPAPI
import Model
import Rollouts
import ServiceLifecycle
import TollgateConfig

/// Stored rollouts: the ``RolloutManager`` over `rollouts.sqlite`, answering the rollouts
/// API, Flagger's webhooks and the DORA figures; the watcher evaluating active rollouts at
/// their guards' intervals; and the `rollout_webhooks` every stored change is pushed to.
/// Each configuration brings the default guard interval, the webhooks and the DORA targets.
struct RolloutsPart: ServerPart {
    let manager: RolloutManager
    let webhooks: RolloutWebhooks
    let watcher: RolloutWatcher
    /// `--web.max-request-size`: the largest body of the rollouts API and Flagger's webhooks.
    let maxBodyBytes: Int
    var name: String { "rollouts" }
    var services: [any Service] { [webhooks, watcher] }
    var routes: [any RouteRegistrar] { [RolloutRoutes(source: RolloutAPI(manager: manager), maxBodyBytes: maxBodyBytes)] }

    func prepare(_ config: TollgateConfig) async throws -> ReloadStep? {
        let manager = manager, webhooks = webhooks
        return ReloadStep {
            await manager.configure(defaultInterval: config.global.evaluationInterval.milliseconds, dora: config.dora)
            await webhooks.apply(config.rolloutWebhooks)
        }
    }
}

/// The rollouts API's source: requests read by Rollouts' request types, answers written by
/// ``RolloutJSON``, errors mapped to their statuses.
struct RolloutAPI: RolloutSource {
    let manager: RolloutManager
    var now: @Sendable () -> Int64 = { SystemClock().now() }

    func listRollouts() async -> RolloutAnswer {
        .ok(RolloutJSON.list(await manager.all(), at: now()))
    }

    func createRollout(_ body: [UInt8]) async -> RolloutAnswer {
        await answer { () throws(RolloutError) in
            .created(RolloutJSON.bytes(try await manager.create(RolloutRequest(json: body)), at: now()))
        }
    }

    func rollout(id: String) async -> RolloutAnswer {
        await answer { () throws(RolloutError) in
            let (rollout, history) = try await manager.rollout(id)
            return .ok(RolloutJSON.bytes(rollout, history: history, at: now()))
        }
    }

    func rolloutDecision(id: String, at time: Int64?) async -> RolloutAnswer {
        await answer { () throws(RolloutError) in .ok(try await manager.decision(id, at: time).json) }
    }

    func advanceRollout(id: String) async -> RolloutAnswer {
        await answer { () throws(RolloutError) in .ok(RolloutJSON.bytes(try await manager.advance(id), at: now())) }
    }

    func finishRollout(id: String, body: [UInt8]) async -> RolloutAnswer {
        await answer { () throws(RolloutError) in .ok(RolloutJSON.bytes(try await manager.finish(id, FinishRequest(json: body)), at: now())) }
    }

    func flagger(hook: String, body: [UInt8]) async -> RolloutAnswer {
        await answer { () throws(RolloutError) in
            let result = try await manager.flagger(FlaggerRequest(json: body), hook: FlaggerHook(rawValue: hook) ?? .gate)
            return .status(result.status, result.decision.json)
        }
    }

    func dora(window: Int64?) async -> RolloutAnswer {
        .ok(await manager.doraReport(window: window).json)
    }

    private func answer(_ work: () async throws(RolloutError) -> RolloutAnswer) async -> RolloutAnswer {
        do {
            return try await work()
        } catch {
            switch error {
            case .badData(let message): return .badData(message)
            case .notFound(let message): return .notFound(message)
            case .conflict(let message): return .conflict(message)
            case .unavailable(let message): return .unavailable(message)
            case .limit(let reason, let message): return .limited(reason: reason, message)
            }
        }
    }
}
