// Tollgate — `serve`'s guards part: the engine as the guards' queries, the rule manager's firing alerts as vetoes.

import AlertDispatch
import Guards
import Logging
import Model
import PromQL
import PromQLEngine
import Rollouts
import Rules

extension ServeCommand {
    /// The guards part: checks evaluated with `engine`, vetoes matched against the alerts
    /// `rules` fires.
    func guardsPart(engine: Engine, rules: RuleManager, parser: ParserOptions) -> GuardsPart {
        GuardsPart(registry: GuardRegistry(evaluator: guardEvaluator(engine: engine, rules: rules)), parserOptions: parser)
    }

    /// The stored rollouts part: `DIR/rollouts.sqlite`, decided by `guards`' registry with
    /// the same evaluator. Deployment events (start, promotion, no-go, rollback) go where
    /// alerts go: the rules part's dispatcher, to the Alertmanagers and the notifier.
    func rolloutsPart(guards: GuardsPart, engine: Engine, rules: RulesPart) async throws -> RolloutsPart {
        let dispatcher = rules.dispatcher
        let notify: @Sendable ([SentAlert]) -> Void = { dispatcher.send($0) }
        let store = try RolloutStore(directory: dataDir)
        let webhooks = try RolloutWebhooks(logger: Logger(label: "tollgate.rollouts"))
        let (manager, damaged) = try await RolloutManager.open(
            store: store, catalog: guards.registry, evaluator: guardEvaluator(engine: engine, rules: rules.manager), clock: SystemClock(),
            notify: notify, push: { webhooks.send($0) }, maxActive: limits.maxActiveRollouts)
        if !damaged.isEmpty { Logger(label: "tollgate.rollouts").warning("rollouts not read back", metadata: ["ids": "\(damaged)"]) }
        return RolloutsPart(
            manager: manager, webhooks: webhooks, watcher: RolloutWatcher(manager: manager, logger: Logger(label: "tollgate.rollouts")),
            maxBodyBytes: limits.requestBytes)
    }

    /// Guards evaluated with `engine`, vetoes matched against the alerts `rules` fires.
    func guardEvaluator(engine: Engine, rules: RuleManager) -> GuardEvaluator {
        let evaluator = GuardEvaluator(
            query: { query, time in
                try await engine.instantSamples(query, at: time).map { RuleSample(labels: $0.labels, value: $0.value) }
            },
            rangeQuery: { query, start, end, step in
                switch try await engine.rangeQuery(query, start: start, end: end, step: step).value {
                case .matrix(let series): return series.map { ($0.labels, $0.points.map { ($0.t, $0.v) }) }
                case .vector(let samples): return samples.map { ($0.labels, [($0.t, $0.v)]) }
                case .scalar(let t, let v): return [(Labels(), [(t, v)])]
                case .string: return []
                }
            },
            firingAlerts: {
                await rules.snapshots().flatMap { group in
                    group.rules.flatMap { rule in rule.alerts.filter { $0.state == .firing }.map(\.labels) }
                }
            })
        return evaluator
    }
}
