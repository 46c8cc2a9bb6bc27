// Tollgate — `serve`'s guards part: the engine as the guards' queries, the rule manager's firing alerts as vetoes.

import Guards
import Model
import PromQL
import PromQLEngine
import Rules

extension ServeCommand {
    /// The guards part: checks evaluated with `engine`, vetoes matched against the alerts
    /// `rules` fires.
    func guardsPart(engine: Engine, rules: RuleManager, parser: ParserOptions) -> GuardsPart {
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
        return GuardsPart(registry: GuardRegistry(evaluator: evaluator), parserOptions: parser)
    }
}
